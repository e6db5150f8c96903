"""The queue at volume: opens on "waiting for us", saved views, unread replies, search, bulk."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.agents import make_agent
from requests_inbox.models import Request, Status
from requests_inbox.services import (
    request_assign,
    request_close,
    request_customer_reply,
    request_rate,
    request_reply,
    request_submit,
)
from tests.conftest import login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:requests_inbox_request_changelist")


@pytest.fixture
def bob(db):
    user = UserFactory(email="bob@cs.test", first_name="Bob", last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def alice_client(agent):
    c = Client()
    login_agent(c, agent)
    return c


def submit(company, user, subject, message="Hello"):
    return request_submit(
        company=company, user=user, category="other", subject=subject, message=message
    )


def numbers(page: str) -> list[str]:
    """Tracking numbers in the order the queue lists them."""
    return re.findall(r'class="field-number"><a href="[^"]+">(CS-\d{4}-\d+)</a>', page)


def test_the_queue_opens_on_waiting_for_us_mine_and_unassigned_first(
    alice_client, agent, bob, company, viewer
):
    theirs = submit(company, viewer, "Bob's")
    request_assign(request=theirs, agent=bob, actor=bob)
    unassigned = submit(company, viewer, "Nobody's")
    mine = submit(company, viewer, "Mine")
    request_assign(request=mine, agent=agent, actor=agent)
    answered = submit(company, viewer, "Answered one")
    request_reply(request=answered, agent=agent, body="Done")
    closed = submit(company, viewer, "Closed one")
    request_close(request=closed, user=viewer)

    page = alice_client.get(QUEUE).content.decode()
    assert numbers(page) == [mine.number, unassigned.number, theirs.number]
    every = alice_client.get(QUEUE, {"view": "everything"}).content.decode()
    assert {answered.number, closed.number} <= set(numbers(every))


def test_saved_views(alice_client, agent, bob, company, viewer):
    mine = submit(company, viewer, "Mine")
    request_assign(request=mine, agent=agent, actor=agent)
    nobody = submit(company, viewer, "Nobody's")
    late = submit(company, viewer, "Late")
    request_assign(request=late, agent=bob, actor=bob)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    waiting_customer = submit(company, viewer, "Waiting for the customer")
    request_reply(request=waiting_customer, agent=bob, body="Which model?")
    bad = submit(company, viewer, "Rated bad")
    request_reply(request=bad, agent=bob, body="No.")
    request_rate(request=bad, user=viewer, rating="bad", comment="Rude")

    def view(name):
        return set(numbers(alice_client.get(QUEUE, {"view": name}).content.decode()))

    assert view("mine") == {mine.number}
    assert view("unassigned") == {nobody.number}
    assert view("overdue") == {late.number}
    # The bad rating put the request back in the team's hands: no longer the customer's turn.
    assert view("customer") == {waiting_customer.number}
    assert view("bad") == {bad.number}
    page = alice_client.get(QUEUE, {"view": "bad"}).content.decode()
    assert 'class="request-rating-bad"' in page


def test_requester_and_unread_customer_replies(alice_client, agent, company, viewer):
    req = submit(company, viewer, "Toner")
    request_reply(request=req, agent=agent, body="Which model?")
    alice_client.get(reverse("admin:requests_inbox_request_change", args=[req.pk]))
    page = alice_client.get(QUEUE, {"view": "everything"}).content.decode()
    assert viewer.email in page and "request-unread-badge" not in page

    request_customer_reply(request=req, user=viewer, body="The C400")
    page = alice_client.get(QUEUE).content.decode()
    assert "request-unread-badge" in page
    assert "1 unread customer reply waiting" in page
    assert numbers(alice_client.get(QUEUE, {"view": "unread"}).content.decode()) == [req.number]

    alice_client.get(reverse("admin:requests_inbox_request_change", args=[req.pk]))
    page = alice_client.get(QUEUE).content.decode()
    assert "request-unread-badge" not in page and "unread customer repl" not in page


def test_search_in_message_bodies_and_by_requester_email(alice_client, company, viewer):
    toner = submit(company, viewer, "Toner", message="The C400 cartridge is empty")
    other = submit(company, viewer, "Other", message="Invoice question")
    request_customer_reply(request=other, user=viewer, body="Also the fuser unit")
    found = numbers(alice_client.get(QUEUE, {"q": "cartridge"}).content.decode())
    assert found == [toner.number]
    found = numbers(alice_client.get(QUEUE, {"q": "fuser"}).content.decode())
    assert found == [other.number]
    found = numbers(alice_client.get(QUEUE, {"q": viewer.email}).content.decode())
    assert sorted(found) == sorted([toner.number, other.number])


def test_bulk_assign_to_a_colleague_asks_for_confirmation(
    alice_client, agent, bob, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    one, two = submit(company, viewer, "One"), submit(company, viewer, "Two")
    data = {"action": "assign_to_colleague", "_selected_action": [one.pk, two.pk]}
    confirm = alice_client.post(QUEUE, data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert one.number in page and two.number in page and "Bob Agent" in page
    assert not Request.objects.filter(assignee__isnull=False).exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = alice_client.post(QUEUE, {**data, "agent": bob.pk, "confirm": "yes"}, follow=True)
    assert "2 request(s) assigned to Bob Agent." in done.content.decode()
    assert set(Request.objects.values_list("assignee", flat=True)) == {bob.pk}
    assert set(Request.objects.values_list("status", flat=True)) == {Status.IN_PROGRESS}
    assert len([m for m in mailoutbox if m.to == [bob.email]]) == 2


def test_category_change_goes_through_the_service_and_the_history(alice_client, company, viewer):
    req = submit(company, viewer, "Actually an invoice")
    url = reverse("admin:requests_inbox_request_change", args=[req.pk])
    page = alice_client.get(url).content.decode()
    version = re.search(r'name="_version" value="([0-9a-f]+)"', page).group(1)
    response = alice_client.post(
        url,
        {
            "_version": version,
            "status": req.status,
            "category": "invoices",
            "assignee": "",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.category == "invoices"
    assert req.history.last().note.endswith("→ Invoices")


def test_the_queue_reads_a_constant_number_of_queries_whatever_its_length(
    alice_client, agent, bob, company, viewer
):
    """200 requests a day: each row's requester, company, country and assignee come with
    the page's one query, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.portal import member

    def queue_queries() -> int:
        alice_client.get(QUEUE)  # caches warm, as for an agent who works the queue all day
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(QUEUE, {"view": "everything"})
        assert response.status_code == 200
        return len(queries)

    submit(company, viewer, "First")
    few = queue_queries()
    for i in range(12):
        requester = member(company, email=f"colleague{i}@acme.test")
        req = submit(company, requester, f"Question {i}")
        request_assign(request=req, agent=bob if i % 2 else agent, actor=agent)
    many = alice_client.get(QUEUE, {"view": "everything"}).content.decode()
    assert len(numbers(many)) == 13
    assert "colleague11@acme.test" in many
    assert queue_queries() == few
