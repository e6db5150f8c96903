"""A "Bad" rating puts the request back in the team's hands and tells them by e-mail."""

import pytest
from django.test import Client
from django.urls import reverse

from requests_inbox.models import Status
from requests_inbox.services import (
    request_assign,
    request_close,
    request_rate,
    request_reply,
    request_submit,
)
from tests.conftest import login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db):
    from portal.agents import make_agent

    user = UserFactory(email="bob@cs.test", first_name="Bob", last_name="Agent")
    make_agent([user])
    return user


def answered(company, viewer, agent):
    req = request_submit(
        company=company, user=viewer, category="other", subject="Toner", message="Two please"
    )
    request_assign(request=req, agent=agent, actor=agent)
    request_reply(request=req, agent=agent, body="Sent yesterday")
    return req


def to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def test_a_bad_rating_reopens_the_request_for_the_team_and_keeps_the_rating(company, viewer, agent):
    req = answered(company, viewer, agent)
    request_rate(request=req, user=viewer, rating="bad", comment="Nothing arrived")
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS
    assert (req.rating, req.rating_comment) == ("bad", "Nothing arrived")
    last = req.history.order_by("-at", "-id").first()
    assert (last.from_status, last.to_status, last.actor) == (
        Status.ANSWERED,
        Status.IN_PROGRESS,
        viewer,
    )
    assert last.note == "Reopened by a bad rating"


def test_a_bad_rating_of_a_closed_request_reopens_it(company, viewer, agent):
    req = answered(company, viewer, agent)
    request_close(request=req, user=viewer)
    request_rate(request=req, user=viewer, rating="bad")
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS and req.closed_at is None


def test_a_good_rating_changes_nothing_and_tells_nobody(
    company, viewer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    req = answered(company, viewer, agent)
    mailoutbox.clear()
    history = req.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        request_rate(request=req, user=viewer, rating="good")
    req.refresh_from_db()
    assert req.status == Status.ANSWERED and req.rating == "good"
    assert req.history.count() == history
    assert mailoutbox == []


def test_the_bad_rating_alert_goes_to_the_assignee_and_the_queue_in_english(
    company, viewer, agent, bob, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.REQUESTS_QUEUE_EMAIL = "queue@cs.test"
    req = answered(company, viewer, agent)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_rate(request=req, user=viewer, rating="bad", comment="Nothing arrived")
    assert sorted(m.to[0] for m in mailoutbox) == ["agent@cs.test", "queue@cs.test"]
    for mail in mailoutbox:
        assert mail.subject == f"[{req.number}] Rated bad, reopened: Toner"
        assert f"{company.name} rated the answer to the request {req.number}" in mail.body
        assert "back in progress" in mail.body
        assert "Nothing arrived" in mail.body
        assert f"/agents/requests_inbox/request/{req.pk}/change/" in mail.body


def test_the_bad_rating_alert_is_in_french_for_a_french_agent_and_every_agent_without_queue(
    company, viewer, agent, bob, mailoutbox, django_capture_on_commit_callbacks
):
    agent.preferred_language = "fr"
    agent.save()
    req = answered(company, viewer, agent)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_rate(request=req, user=viewer, rating="bad", comment="Rien reçu")
    (mail,) = to(mailoutbox, agent.email)  # the assignee once, though also an agent
    assert mail.subject == f"[{req.number}] Mal notée, rouverte : Toner"
    assert f"{company.name} a noté mauvaise la réponse à la demande {req.number}" in mail.body
    assert "de nouveau en cours" in mail.body and "Rien reçu" in mail.body
    (other,) = to(mailoutbox, bob.email)
    assert other.subject == f"[{req.number}] Rated bad, reopened: Toner"


def test_rating_bad_again_does_not_alert_twice(
    company, viewer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    req = answered(company, viewer, agent)
    request_rate(request=req, user=viewer, rating="bad")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_rate(request=req, user=viewer, rating="bad", comment="Still nothing")
    req.refresh_from_db()
    assert req.rating_comment == "Still nothing" and mailoutbox == []


def test_the_agent_finds_it_in_the_queue_waiting_for_us_with_the_rating_shown(
    company, viewer, agent
):
    req = answered(company, viewer, agent)
    client = Client()
    login_agent(client, agent)
    queue = reverse("admin:requests_inbox_request_changelist")
    assert req.number not in client.get(queue).content.decode()  # answered: customer's turn
    request_rate(request=req, user=viewer, rating="bad", comment="Nothing arrived")
    page = client.get(queue).content.decode()
    assert req.number in page and 'class="request-rating-bad"' in page
    detail = client.get(reverse("admin:requests_inbox_request_change", args=[req.pk]))
    assert "Reopened by a bad rating" in detail.content.decode()
    assert "Nothing arrived" in detail.content.decode()
