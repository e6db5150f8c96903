"""Periodic tasks of My requests (scheduled in settings.CELERY_BEAT_SCHEDULE).

Both are scans: they may run late, twice or concurrently without harm, because
reminders are deduplicated by notify's dedupe_key and closing re-checks the row
under lock in the service.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import Event
from portal.notify import notify
from requests_inbox.desk_alerts import agent_recipients
from requests_inbox.models import AUTO_CLOSE_AFTER, Request, Status
from requests_inbox.services import request_auto_close

log = logging.getLogger(__name__)

DUE_SOON = timedelta(hours=2)
OVERDUE_LOOKBACK = timedelta(days=14)


def _remind(request: Request, kind: str) -> int:
    from portal.notify import absolute_url

    sent = 0
    stamp = int(request.due_at.timestamp())
    for recipient in agent_recipients(request):
        who = str(getattr(recipient, "pk", recipient))[:80]
        with transaction.atomic():
            row = notify(
                event=Event.REQUEST,
                template="requests_inbox_due_reminder",
                recipient=recipient,
                context={
                    "kind": kind,
                    "number": request.number,
                    "subject": request.subject,
                    "company_name": request.company.name,
                    "due_at": timezone.localtime(request.due_at).isoformat(),
                    "admin_url": absolute_url("admin:requests_inbox_request_change", request.pk),
                },
                company=request.company,
                dedupe_key=f"requests_inbox:due:{request.pk}:{stamp}:{kind}:{who}",
            )
        sent += row is not None
    return sent


@shared_task
def due_reminders() -> dict[str, int]:
    """Remind before (2 h) and after the due time, once per request, due time and kind."""
    now = timezone.now()
    waiting = Request.objects.awaiting_agent().select_related("company", "assignee")
    counts = {"soon": 0, "overdue": 0}
    for request in waiting.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).iterator():
        counts["soon"] += _remind(request, "soon")
    for request in waiting.filter(due_at__lt=now, due_at__gte=now - OVERDUE_LOOKBACK).iterator():
        counts["overdue"] += _remind(request, "overdue")
    return counts


@shared_task
def auto_close() -> int:
    """Answered requests without customer reaction for 7 days close themselves."""
    limit = timezone.now() - AUTO_CLOSE_AFTER
    pks = list(
        Request.objects.filter(status=Status.ANSWERED, answered_at__lte=limit).values_list(
            "pk", flat=True
        )
    )
    closed = 0
    for pk in pks:
        try:
            closed += request_auto_close(request=Request(pk=pk))
        except Exception:  # one bad row must not stop the scan
            log.exception("auto-close failed", extra={"request": pk})
    return closed


@shared_task(name="requests_inbox.tasks.fetch_replies")
def fetch_replies() -> dict[str, int] | None:
    """Customers' answers by e-mail (INBOUND_IMAP_URL), threaded onto their requests.

    Scheduled only when the mailbox is configured. Messages are marked read once
    handled and recognised by their Message-ID, so a run that overlaps or repeats
    another adds nothing twice."""
    from requests_inbox.inbound import fetch, read_imap

    if not settings.INBOUND_IMAP_URL:
        return None
    return fetch(read_imap(settings.INBOUND_IMAP_URL))
