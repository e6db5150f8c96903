"""Merging duplicates: history kept, duplicates closed, the customer told."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from requests_inbox.models import Message, Request, Status
from requests_inbox.services import request_merge, request_submit
from tests.conftest import login_agent

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:requests_inbox_request_changelist")


def submit(company, user, subject, message):
    return request_submit(
        company=company, user=user, category="other", subject=subject, message=message
    )


def test_merge_from_the_queue_after_confirmation(
    agent, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    first = submit(company, viewer, "Toner", "Two cartridges please")
    second = submit(company, viewer, "Toner again", "Did you get my request?")
    client = Client()
    login_agent(client, agent)
    data = {"action": "merge_duplicates", "_selected_action": [second.pk, first.pk]}
    page = client.post(QUEUE, data).content.decode()
    assert f"The conversation continues in {first.number}" in page and second.number in page
    assert Request.objects.get(pk=second.pk).status == Status.NEW

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(QUEUE, {**data, "confirm": "yes"}, follow=True)
    assert f"1 request(s) merged into {first.number}" in done.content.decode()
    bodies = list(Message.objects.filter(request=first).values_list("body", flat=True))
    assert bodies[:2] == ["Two cartridges please", "Did you get my request?"]
    assert f"Merged from {second.number}" in bodies[2]
    assert Message.objects.get(request=first, internal=True).is_agent
    second.refresh_from_db()
    assert second.status == Status.CLOSED and second.history.last().note == f"→ {first.number}"
    (mail,) = mailoutbox
    assert mail.to == [viewer.email] and first.number in mail.subject
    assert f"/requests/{first.number}/" in mail.body


def test_requests_of_another_customer_are_not_merged(company, viewer, approver, agent):
    mine = submit(company, viewer, "A", "a")
    theirs = submit(company, approver, "B", "b")
    with pytest.raises(ValidationError):
        request_merge(target=mine, duplicates=[theirs], actor=agent)
    assert Message.objects.filter(request=theirs).count() == 1
