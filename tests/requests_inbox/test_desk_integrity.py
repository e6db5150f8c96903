"""Two agents working the queue side by side: no lost update, one answer, due times kept."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.admin_audit import change_values
from requests_inbox.models import Message, Request, Status
from requests_inbox.services import request_customer_reply, request_reply, request_submit
from tests.conftest import login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:requests_inbox_request_changelist")


@pytest.fixture
def bob(db):
    from portal.agents import make_agent

    user = UserFactory(email="bob@cs.test", first_name="Bob", last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def signed_in(user):
    c = Client()
    login_agent(c, user)
    return c


def change_url(req):
    return reverse("admin:requests_inbox_request_change", args=[req.pk])


def submit(company, user, **extra):
    data = {"category": "other", "subject": "Toner question", "message": "Hello"}
    data.update(extra)
    return request_submit(company=company, user=user, **data)


def change_form(page: str, req, **changes) -> dict:
    """What the browser posts: the hidden version as served, the inline management form."""
    version = re.search(r'name="_version" value="([0-9a-f]+)"', page).group(1)
    data = {
        "_version": version,
        "status": req.status,
        "category": req.category,
        "assignee": req.assignee_id or "",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_stale_save_is_refused_with_the_current_values(agent, bob, company, viewer):
    req = submit(company, viewer)
    alice_c, bob_c = signed_in(agent), signed_in(bob)
    alice_page = alice_c.get(change_url(req)).content.decode()
    bob_page = bob_c.get(change_url(req)).content.decode()

    response = alice_c.post(change_url(req), change_form(alice_page, req, assignee=agent.pk))
    assert response.status_code == 302
    response = bob_c.post(change_url(req), change_form(bob_page, req, status=Status.CLOSED))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Agent changed this record at" in page
    assert "Your changes were NOT saved" in page
    assert "Assignee: now “Alice Agent”" in page
    assert "Status: now “In progress” (your page: “Closed”)" in page
    req.refresh_from_db()
    assert (req.status, req.assignee) == (Status.IN_PROGRESS, agent)
    # Saving the reloaded page works.
    fresh = bob_c.get(change_url(req)).content.decode()
    response = bob_c.post(change_url(req), change_form(fresh, req, status=Status.CLOSED))
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.CLOSED and req.assignee == agent


def test_a_change_by_a_service_also_makes_the_page_stale(agent, company, viewer):
    """The customer replied while the agent's page was open: the stale page cannot revert it."""
    req = submit(company, viewer)
    c = signed_in(agent)
    page = c.get(change_url(req)).content.decode()
    request_reply(request=req, agent=agent, body="Answer")
    response = c.post(change_url(req), change_form(page, req, status=Status.NEW))
    assert response.status_code == 200
    assert Request.objects.get(pk=req.pk).status == Status.ANSWERED


def reply_form(page: str, body: str, **extra) -> dict:
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    return {"body": body, "seen": seen, **extra}


def test_two_agents_answering_give_the_customer_one_answer(
    agent, bob, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    req = submit(company, viewer)
    alice_c, bob_c = signed_in(agent), signed_in(bob)
    reply_url = reverse("admin:requests_inbox_request_reply", args=[req.pk])
    alice_page = alice_c.get(change_url(req)).content.decode()
    bob_page = bob_c.get(change_url(req)).content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_c.post(reply_url, reply_form(alice_page, "Alice's answer")).status_code == 302
        response = bob_c.post(reply_url, reply_form(bob_page, "Bob's answer"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Agent answered this request at" in page
    assert "Your reply was NOT sent" in page
    assert "Bob&#x27;s answer" in page  # what Bob typed is kept
    assert "Alice&#x27;s answer" in page  # and the conversation now shows the answer
    answers = Message.objects.filter(request=req, is_agent=True, internal=False)
    assert list(answers.values_list("body", flat=True)) == ["Alice's answer"]
    to_customer = [m for m in mailoutbox if m.to == [viewer.email]]
    assert len(to_customer) == 1 and "Alice's answer" in to_customer[0].body

    # Having read the answer, Bob may still send his deliberately (the refused page's form).
    second = reply_form(page, "Bob's answer")
    assert bob_c.post(reply_url, second).status_code == 302
    assert answers.count() == 2


def test_a_customer_reply_meanwhile_refuses_the_answer(agent, company, viewer):
    req = submit(company, viewer)
    c = signed_in(agent)
    page = c.get(change_url(req)).content.decode()
    request_customer_reply(request=req, user=viewer, body="Also, the printer is on fire")
    response = c.post(
        reverse("admin:requests_inbox_request_reply", args=[req.pk]), reply_form(page, "Done")
    )
    assert "The customer wrote again at" in response.content.decode()
    assert not Message.objects.filter(request=req, is_agent=True).exists()


def test_opening_a_request_another_agent_has_open_says_who_and_since_when(
    agent, bob, company, viewer
):
    req = submit(company, viewer)
    signed_in(agent).get(change_url(req))
    page = signed_in(bob).get(change_url(req)).content.decode()
    assert "Alice Agent has had this page open since" in page
    alone = signed_in(agent).get(change_url(req)).content.decode()
    assert "has had this page open" not in alone.replace("Bob Agent has had", "")
    assert "Bob Agent has had this page open since" in alone


def test_view_on_site_is_not_offered_on_a_request(agent, company, viewer):
    """It led to the customer's "Request access" page, useless to an agent."""
    req = submit(company, viewer)
    page = signed_in(agent).get(change_url(req)).content.decode()
    assert "View on site" not in page
    assert reverse("requests_inbox:detail", kwargs={"number": req.number}) not in page


def test_mark_in_progress_keeps_the_due_time_of_an_overdue_request(agent, company, viewer):
    req = submit(company, viewer)
    late = timezone.now() - timedelta(hours=3)
    Request.objects.filter(pk=req.pk).update(due_at=late)
    c = signed_in(agent)
    c.post(QUEUE, {"action": "mark_in_progress", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS and req.due_at == late and req.is_overdue
    c.post(QUEUE, {"action": "assign_to_me", "_selected_action": [req.pk]})
    request_customer_reply(request=req, user=viewer, body="Any news?")
    req.refresh_from_db()
    assert req.due_at == late and req.is_overdue
    assert c.get(QUEUE, {"due": "overdue"}).content.decode().count(req.number) >= 1
    request_reply(request=req, agent=agent, body="Here you are")
    req.refresh_from_db()
    assert not req.is_overdue


def test_mark_as_answered_requires_an_answer(agent, company, viewer):
    req = submit(company, viewer)
    c = signed_in(agent)
    response = c.post(QUEUE, {"action": "mark_answered", "_selected_action": [req.pk]}, follow=True)
    assert "Write the answer first" in response.content.decode()
    assert Request.objects.get(pk=req.pk).status == Status.NEW
    page = c.get(change_url(req)).content.decode()
    response = c.post(change_url(req), change_form(page, req, status=Status.ANSWERED))
    assert response.status_code == 200 and "Write the answer first" in response.content.decode()
    assert Request.objects.get(pk=req.pk).status == Status.NEW
    request_reply(request=req, agent=agent, body="Internal", internal=True)
    c.post(QUEUE, {"action": "mark_answered", "_selected_action": [req.pk]})
    assert Request.objects.get(pk=req.pk).status == Status.IN_PROGRESS


def test_answer_and_close_in_one_step(
    agent, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    req = submit(company, viewer)
    c = signed_in(agent)
    page = c.get(change_url(req)).content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("admin:requests_inbox_request_reply", args=[req.pk]),
            reply_form(page, "Solved, closing.", _close="1"),
            follow=True,
        )
    assert f"{req.number}: answer sent to the customer and request closed." in (
        response.content.decode()
    )
    assert response.redirect_chain[-1][0] == QUEUE  # back to the queue for the next one
    req.refresh_from_db()
    assert req.status == Status.CLOSED and req.answered_at is not None
    assert list(req.history.values_list("to_status", flat=True)) == [
        "new",
        "answered",
        "closed",
    ]
    assert [m.to for m in mailoutbox] == [[viewer.email]]


def test_admin_changes_are_logged_with_old_and_new_values(
    agent, company, viewer, django_user_model
):
    req = submit(company, viewer)
    c = signed_in(agent)
    page = c.get(change_url(req)).content.decode()
    c.post(change_url(req), change_form(page, req, assignee=agent.pk))
    entry = LogEntry.objects.get(object_id=str(req.pk))
    assert change_values(entry) == {"Assignee": ["—", "Alice Agent"]}

    assert c.get(reverse("admin:admin_logentry_changelist")).status_code == 403
    root = django_user_model.objects.create_superuser(email="root@cs.test", password="x-Pass-123")
    Authenticator.objects.create(user=root, type=Authenticator.Type.TOTP, data={"secret": "x"})
    listing = signed_in(root).get(reverse("admin:admin_logentry_changelist"))
    assert listing.status_code == 200
    assert "Assignee: — → Alice Agent" in listing.content.decode()
    detail = signed_in(root).get(reverse("admin:admin_logentry_change", args=[entry.pk]))
    assert "Alice Agent" in detail.content.decode()


def test_answering_returns_to_the_queue_with_its_filters(agent, company, viewer):
    """Queue -> request -> Send -> the same filtered queue: three page loads per answer."""
    req = submit(company, viewer)
    c = signed_in(agent)
    filters = "view=unassigned&q=Toner"
    page = c.get(change_url(req), {"_changelist_filters": filters}).content.decode()
    assert "?_changelist_filters=view%3Dunassigned%26q%3DToner" in page  # the reply form
    response = c.post(
        reverse("admin:requests_inbox_request_reply", args=[req.pk])
        + "?_changelist_filters=view%3Dunassigned%26q%3DToner",
        reply_form(page, "Here you are"),
    )
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?{filters}"


def test_an_agent_who_answered_or_saved_and_left_is_no_longer_shown_on_the_page(
    agent, bob, company, viewer
):
    """Alice answered and went back to the queue: Bob must not read that she is on it."""
    req = submit(company, viewer)
    alice = signed_in(agent)
    page = alice.get(change_url(req)).content.decode()
    response = alice.post(
        reverse("admin:requests_inbox_request_reply", args=[req.pk]),
        reply_form(page, "Here you are"),
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    bob_page = signed_in(bob).get(change_url(req)).content.decode()
    assert "Alice Agent has had this page open" not in bob_page

    # Saving the form and leaving it ("Save") takes her off the page too ...
    req.refresh_from_db()
    page = alice.get(change_url(req)).content.decode()
    assert "Bob Agent has had this page open since" in page
    assert alice.post(change_url(req), change_form(page, req, category="orders")).status_code == 302
    assert (
        "Alice Agent has had this page open"
        not in signed_in(bob).get(change_url(req)).content.decode()
    )
    # ... while "Save and continue editing" keeps her on it.
    req.refresh_from_db()
    page = alice.get(change_url(req)).content.decode()
    data = {**change_form(page, req, category="other"), "_continue": "1"}
    response = alice.post(change_url(req), data, follow=True)
    assert response.status_code == 200
    assert (
        "Alice Agent has had this page open since"
        in signed_in(bob).get(change_url(req)).content.decode()
    )


def test_the_status_history_speaks_the_agents_language(agent, company, viewer):
    """Its columns 'From status' and 'Actor' stayed English, rows read 'new → in_progress'."""
    from requests_inbox.services import request_assign

    req = submit(company, viewer)
    request_assign(request=req, agent=agent, actor=agent)
    agent.preferred_language = "fr"
    agent.save()
    page = signed_in(agent).get(change_url(req)).content.decode()
    assert "Statut précédent" in page and "Modifié par" in page
    assert "From status" not in page and ">Actor<" not in page
    assert "Nouvelle → En cours" in page
    assert "new → in_progress" not in page
