"""Nothing sent by the portal is lost when the broker or the mail server is down.

1. Redis unreachable while N requests are submitted: every acknowledgement row is
   written; once Redis is back, a real worker and the sweep deliver exactly N
   e-mails to a real SMTP sink (aiosmtpd), one per tracking number.
2. The SMTP sink stopped while notifications are sent: rows stay pending with
   their attempts, last error and a backoff; after the sink is back and the
   backoff has passed, the sweep sends each one exactly once.

N is 100 here; FAULT_SCALE=full submits the issue's 1,000.
"""

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from portal import notify
from portal.models import Notification, Role
from requests_inbox.models import Request
from requests_inbox.services import request_submit
from tests.factories.portal import member
from tests.faults.conftest import (
    BROKER_DB,
    BROKER_URL,
    FULL,
    needs_postgresql,
    needs_redis,
    subject_of,
)
from tests.portal.conftest import closed_port
from tests.portal.test_worker import celery_app, using, wait_for, worker


def portal_app(url: str, queue: str):
    """The worker-test app with the portal's own transport options (retries, timeouts)."""
    app = celery_app(url, queue)
    app.conf.broker_transport_options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    return app


TRACKING = re.compile(r"\[(CS-\d{4}-\d{6,})\]")
ACK = "requests_inbox_acknowledgement"


def numbers_sent(messages: list[bytes]) -> Counter:
    """How many e-mails the sink received per tracking number."""
    found = Counter()
    for raw in messages:
        match = TRACKING.search(subject_of(raw))
        found[match.group(1) if match else "?"] += 1
    return found


def submit(company, user, index: int) -> Request:
    return request_submit(
        company=company,
        user=user,
        category="other",
        subject=f"Toner for printer {index}",
        message="Please send two toner cartridges.",
    )


@pytest.mark.worker
@needs_redis
# a worker thread and the test share the database: SQLite's in-memory test database
# answers "table is locked" under that concurrency, so this runs in CI's PostgreSQL pass
@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_requests_submitted_while_redis_is_down_are_all_acknowledged_once(
    company, smtp_sink, queue_name
):
    count = 1000 if FULL else 100
    requester = member(company, role=Role.VIEWER, email="requester@acme.test")

    down = portal_app(f"redis://127.0.0.1:{closed_port()}/{BROKER_DB}", queue_name)
    started = time.monotonic()
    with using(down):
        requests = [submit(company, requester, i) for i in range(count)]
    submit_seconds = time.monotonic() - started

    # Every request and its acknowledgement row are committed; nothing left yet.
    acks = Notification.objects.filter(template=ACK)
    assert acks.count() == count
    assert acks.filter(status=Notification.Status.PENDING, attempts=0).count() == count
    assert smtp_sink.messages == []
    # An unreachable broker must not hang the request (kombu's default retries took 6 s each).
    assert submit_seconds < count * 0.3, f"{count} submissions took {submit_seconds:.1f} s"

    back = portal_app(BROKER_URL, queue_name)
    with using(back), worker(back):
        # What beat does every minute: re-enqueue what is due, until everything is out.
        deadline = time.monotonic() + (300 if FULL else 50)
        while acks.exclude(status=Notification.Status.SENT).exists():
            assert time.monotonic() < deadline, "the sweep did not deliver every row in time"
            notify.sweep()
            wait_for(lambda: not acks.exclude(status=Notification.Status.SENT).exists(), timeout=5)
            connections.close_all()
        time.sleep(1)  # a duplicate (the sweep enqueued rows twice) would show up here

    sent = numbers_sent(smtp_sink.messages)
    expected = {r.number for r in requests}
    assert set(sent) == expected
    assert sum(sent.values()) == count, f"{sum(sent.values()) - count} duplicates"
    assert max(sent.values()) == 1
    assert acks.filter(status=Notification.Status.SENT, attempts=1).count() == count


def restart(sink) -> None:
    """The same mail server back on the same port."""
    from aiosmtpd.controller import Controller

    handler = sink.controller.handler
    sink.controller = Controller(handler, hostname="127.0.0.1", port=sink.port)
    sink.start()


def fast_forward(minutes: int) -> None:
    """As if `minutes` had passed for every waiting row (no clock library needed)."""
    shift = timedelta(minutes=minutes)
    for row in Notification.objects.exclude(status=Notification.Status.SENT):
        Notification.objects.filter(pk=row.pk).update(
            created_at=row.created_at - shift, next_attempt_at=row.next_attempt_at - shift
        )


@pytest.mark.django_db
def test_mail_sent_while_the_smtp_server_is_down_goes_out_once_when_it_is_back(
    company, smtp_sink, django_capture_on_commit_callbacks
):
    count = 200 if FULL else 20
    requester = member(company, role=Role.VIEWER, email="requester@acme.test")
    smtp_sink.stop()

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        requests = [submit(company, requester, i) for i in range(count)]

    acks = Notification.objects.filter(template=ACK)
    assert acks.count() == count
    for row in acks.all():
        assert row.status == Notification.Status.PENDING
        assert row.attempts == 1
        assert "ConnectionRefusedError" in row.last_error
        wait = row.next_attempt_at - before
        assert timedelta(seconds=29) <= wait <= timedelta(seconds=45), wait
    assert smtp_sink.messages == []

    # Nothing is due before the backoff has passed: a sweep now sends nothing.
    assert notify.sweep() == 0

    # Still down at the next attempt: the backoff doubles (30 s, then 60 s).
    fast_forward(1)
    swept_at = timezone.now()
    assert notify.sweep() == count
    done_at = timezone.now()
    for row in acks.all():
        assert row.attempts == 2 and row.status == Notification.Status.PENDING
        minute = timedelta(seconds=60)
        assert swept_at + minute <= row.next_attempt_at <= done_at + minute

    # Ten minutes of downtime in all, then the server is back.
    fast_forward(9)
    restart(smtp_sink)
    assert notify.sweep() == count
    assert notify.sweep() == 0  # a second sweep finds nothing due

    sent = numbers_sent(smtp_sink.messages)
    assert set(sent) == {r.number for r in requests}
    assert sum(sent.values()) == count and max(sent.values()) == 1
    assert acks.filter(status=Notification.Status.SENT, attempts=3, last_error="").count() == count
