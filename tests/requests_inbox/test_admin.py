"""The agents' queue and request page in the Django admin."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.admin_concurrency import record_version
from requests_inbox.models import Message, Request, Status
from requests_inbox.services import request_submit
from tests.conftest import login_agent
from tests.factories.portal import SiteFactory
from tests.requests_inbox.conftest import PDF

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:requests_inbox_request_changelist")


@pytest.fixture
def agent_client(client, agent):
    login_agent(client, agent)
    return client


def submit(company, user, **extra):
    data = {"category": "other", "subject": "Toner question", "message": "Hello"}
    data.update(extra)
    return request_submit(company=company, user=user, **data)


def test_queue_highlights_overdue_requests(agent_client, company, viewer):
    late = submit(company, viewer, subject="Late one")
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    submit(company, viewer, subject="Fresh one")
    page = agent_client.get(QUEUE).content.decode()
    assert "Late one" in page and "Fresh one" in page
    assert page.count('class="request-overdue"') == 1
    overdue = agent_client.get(QUEUE, {"due": "overdue"}).content.decode()
    assert "Late one" in overdue and "Fresh one" not in overdue


def test_queue_search_by_customer_number_and_filters(
    agent_client, company, other_company, viewer, outsider
):
    mine = submit(company, viewer, subject="Ours")
    submit(other_company, outsider, subject="Theirs")
    page = agent_client.get(QUEUE, {"q": company.customer_number}).content.decode()
    assert "Ours" in page and "Theirs" not in page
    assert "Ours" in agent_client.get(QUEUE, {"q": mine.number}).content.decode()
    page = agent_client.get(
        QUEUE, {"category__exact": "other", "assignee": "none"}
    ).content.decode()
    assert "Ours" in page and "Theirs" in page


def test_assign_to_me_and_status_actions(agent_client, agent, company, viewer):
    req = submit(company, viewer)
    agent_client.post(QUEUE, {"action": "assign_to_me", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.assignee == agent and req.status == Status.IN_PROGRESS
    agent_client.post(QUEUE, {"action": "mark_closed", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.status == Status.CLOSED
    assert list(req.history.values_list("to_status", flat=True)) == ["new", "in_progress", "closed"]


def test_request_page_shows_conversation_company_requester_and_reference(
    agent_client, company, viewer, site_references
):
    site = SiteFactory(company=company, code="C-7", name="Lyon plant")
    req = submit(
        company,
        viewer,
        category="contracts",
        reference="C-7",
        message="Please renew",
        attachments=[SimpleUploadedFile("scan.pdf", PDF)],
        payload={"serial": "SN-1"},
    )
    page = agent_client.get(
        reverse("admin:requests_inbox_request_change", args=[req.pk])
    ).content.decode()
    assert "Please renew" in page and "scan.pdf" in page
    assert company.name in page and viewer.email in page
    assert str(site) in page and "SN-1" in page
    stored = req.messages.get().attachments.get()
    download = agent_client.get(
        reverse("admin:requests_inbox_request_file", args=[req.pk, stored.pk])
    )
    assert download.status_code == 200


def test_agent_reply_from_the_admin_emails_the_customer(
    agent_client, company, viewer, django_capture_on_commit_callbacks, mailoutbox
):
    req = submit(company, viewer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("admin:requests_inbox_request_reply", args=[req.pk]),
            {"body": "Done, see the PDF.", "attachments": [SimpleUploadedFile("done.pdf", PDF)]},
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.ANSWERED
    (mail,) = mailoutbox
    assert "Done, see the PDF." in mail.body and req.get_absolute_url() in mail.body
    assert Message.objects.get(is_agent=True).attachments.get().original_name == "done.pdf"


def test_internal_note_from_the_admin_sends_nothing(
    agent_client, company, viewer, django_capture_on_commit_callbacks, mailoutbox
):
    req = submit(company, viewer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("admin:requests_inbox_request_reply", args=[req.pk]),
            {"body": "Call them tomorrow", "internal": "on"},
        )
    assert mailoutbox == []
    assert Message.objects.get(is_agent=True).internal
    page = agent_client.get(
        reverse("admin:requests_inbox_request_change", args=[req.pk])
    ).content.decode()
    assert "Call them tomorrow" in page and "internal note" in page


def test_empty_admin_reply_keeps_the_page(agent_client, company, viewer):
    req = submit(company, viewer)
    response = agent_client.post(
        reverse("admin:requests_inbox_request_reply", args=[req.pk]), {"body": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Message.objects.count() == 1


def test_customers_cannot_reach_the_queue(client, viewer):
    client.force_login(viewer)
    response = client.get(QUEUE)
    assert response.status_code in (302, 403)


def test_change_form_status_and_assignee_go_through_the_services(
    agent_client, agent, company, viewer
):
    req = submit(company, viewer)
    response = agent_client.post(
        reverse("admin:requests_inbox_request_change", args=[req.pk]),
        {
            "_version": record_version(Request.objects.get(pk=req.pk)),
            "status": "closed",
            "category": req.category,
            "assignee": agent.pk,
            "history-TOTAL_FORMS": "1",
            "history-INITIAL_FORMS": "1",
            "history-MIN_NUM_FORMS": "0",
            "history-MAX_NUM_FORMS": "1000",
            "history-0-id": req.history.get().pk,
            "history-0-request": req.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    req.refresh_from_db()
    assert req.status == Status.CLOSED and req.assignee == agent and req.closed_at is not None
    assert list(req.history.values_list("to_status", flat=True)) == ["new", "in_progress", "closed"]
