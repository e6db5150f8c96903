"""Beat tasks: due reminders exactly once per request and kind; auto-close after 7 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from requests_inbox.models import Request, Status
from requests_inbox.services import request_customer_reply, request_reply, request_submit
from requests_inbox.tasks import auto_close, due_reminders

pytestmark = pytest.mark.django_db


def submit(company, user, **extra):
    return request_submit(
        company=company, user=user, category="other", subject="Toner", message="Hello", **extra
    )


def test_reminders_before_and_after_the_due_time_once_each(
    company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox
):
    soon = submit(company, viewer)
    late = submit(company, viewer)
    later = submit(company, viewer)
    Request.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(hours=1))
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert due_reminders() == {"soon": 1, "overdue": 1}
        due_reminders()
    reminders = Notification.objects.filter(template="requests_inbox_due_reminder")
    assert reminders.count() == 2
    assert {m.to[0] for m in mailoutbox} == {agent.email}
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == sorted(
        [f"[{late.number}] Overdue: Toner", f"[{soon.number}] Due soon: Toner"]
    )
    assert later.number not in " ".join(subjects)


def test_reminder_goes_to_the_assignee_or_the_queue_address(company, viewer, agent, settings):
    from tests.factories.portal import UserFactory

    other_agent = UserFactory(is_staff=True, email="bob@cs.test")
    assigned = submit(company, viewer)
    unassigned = submit(company, viewer)
    Request.objects.filter(pk=assigned.pk).update(
        assignee=other_agent, due_at=timezone.now() - timedelta(minutes=5)
    )
    Request.objects.filter(pk=unassigned.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    settings.REQUESTS_QUEUE_EMAIL = "queue@cs.test"
    due_reminders()
    recipients = set(
        Notification.objects.filter(template="requests_inbox_due_reminder").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"bob@cs.test", "queue@cs.test"}


def test_answered_requests_close_after_7_days_without_reaction(
    company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox
):
    old = submit(company, viewer)
    recent = submit(company, viewer)
    reacted = submit(company, viewer)
    for req in (old, recent, reacted):
        request_reply(request=req, agent=agent, body="Answer")
    request_customer_reply(request=reacted, user=viewer, body="Not solved")
    eight_days = timezone.now() - timedelta(days=8)
    Request.objects.filter(pk__in=[old.pk, reacted.pk]).update(answered_at=eight_days)
    Request.objects.filter(pk=recent.pk).update(answered_at=timezone.now() - timedelta(days=6))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert auto_close() == 1
        assert auto_close() == 0
    statuses = dict(Request.objects.values_list("pk", "status"))
    assert statuses == {
        old.pk: Status.CLOSED,
        recent.pk: Status.ANSWERED,
        reacted.pk: Status.IN_PROGRESS,
    }
    (mail,) = mailoutbox
    assert old.number in mail.subject and "closed" in mail.subject
    assert old.get_absolute_url() in mail.body


def test_task_names_match_the_beat_schedule(settings):
    from celery import current_app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"requests_inbox.tasks.due_reminders", "requests_inbox.tasks.auto_close"} <= scheduled
    assert "requests_inbox.tasks.due_reminders" in current_app.tasks
    assert "requests_inbox.tasks.auto_close" in current_app.tasks
