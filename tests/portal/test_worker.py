"""A real Celery worker on Redis: the outbox's e-mail leaves through it, and a row
written while the broker was down goes out through the sweep once it is back.

These tests need Redis: REDIS_URL's server, or one answering on 127.0.0.1:6379
(CI always has it). They use db 5 and a queue of their own, so parallel test
processes never take each other's tasks.
"""

import os
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import OperationalError, connection, connections, transaction

from portal import notify
from portal.models import Event, Notification
from tests.portal.conftest import closed_port

WORKER_DB = 5


def _redis_url() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{WORKER_DB}", "", ""))


def _redis_answers(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None


REDIS_URL = _redis_url()
_REDIS_DOWN = _redis_answers(REDIS_URL)
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        _REDIS_DOWN is not None,
        reason=f"no Redis at {REDIS_URL} ({_REDIS_DOWN}): real Celery worker tests skipped",
    ),
]


def celery_app(broker_url: str, queue: str) -> Celery:
    """The portal's Celery configuration on `broker_url`, eager mode off."""
    import portal.tasks  # noqa: F401  (registers the shared tasks)

    app = Celery("portal-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        task_default_queue=queue,
        broker_connection_retry_on_startup=False,
        broker_connection_max_retries=0,
        broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 2},
        worker_hijack_root_logger=False,
    )
    return app


@contextmanager
def worker(app: Celery):
    """A real worker thread consuming `app`'s queue; DB connections closed after each task."""

    def close_connections(**_kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    dirty_reads(True)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        dirty_reads(False)
        task_postrun.disconnect(close_connections)


def dirty_reads(on: bool) -> None:
    """On the embedded pass the test and the worker thread share one in-memory SQLite
    database (shared cache), where a reader's table lock makes the other thread's write
    fail at once with "database table is locked" (no busy timeout applies). While a worker
    runs, the test thread's polling reads take no table lock (PostgreSQL: nothing to do)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA read_uncommitted = {int(on)}")


@contextmanager
def using(app: Celery):
    """Make `app` the current Celery app (the shared tasks resolve to it), then restore."""
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app


def queued(queue: str) -> int:
    import redis

    return redis.Redis.from_url(REDIS_URL).llen(queue)


@pytest.fixture
def queue_name():
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    yield name
    import redis

    redis.Redis.from_url(REDIS_URL).delete(name)


@pytest.fixture(autouse=True)
def _templates(test_templates):
    """The e-mails render tests/portal/templates/email/portal_test.*."""


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _settled(predicate):
            return True
        time.sleep(0.1)
    return predicate()


def _settled(predicate) -> bool:
    """The predicate, read again later when SQLite's shared in-memory database is locked
    by the worker thread's write (SQLITE_LOCKED: no busy timeout applies to it)."""
    try:
        return predicate()
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return False


def write_notification(recipient: str) -> Notification:
    """A change and its e-mail in one transaction; the send is enqueued on commit."""
    with transaction.atomic():
        return notify.notify(
            event=Event.ACCESS,
            template="portal_test",
            recipient=recipient,
            context={"title": "INV-1", "link": notify.absolute_url("portal:home")},
        )


def test_an_outbox_email_leaves_through_a_real_worker(queue_name, mailoutbox):
    app = celery_app(REDIS_URL, queue_name)
    with using(app):
        row = write_notification("worker@example.com")
        assert queued(queue_name) == 1  # the task waits in Redis: nothing ran in process
        assert mailoutbox == []

        with worker(app):
            assert wait_for(lambda: len(mailoutbox) == 1), "the worker did not send the e-mail"
        assert queued(queue_name) == 0

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert mailoutbox[0].to == ["worker@example.com"]
    assert mailoutbox[0].subject.startswith("Yes: INV-1")


def test_a_row_written_while_the_broker_is_down_goes_out_with_the_sweep(queue_name, mailoutbox):
    down = celery_app(f"redis://127.0.0.1:{closed_port()}/{WORKER_DB}", queue_name)
    with using(down):
        start = time.monotonic()
        row = write_notification("later@example.com")  # the commit's enqueue fails
        enqueue_time = time.monotonic() - start

    assert enqueue_time < 10, "an unreachable broker must not hang the request"
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 0
    assert mailoutbox == []

    back = celery_app(REDIS_URL, queue_name)
    with using(back), worker(back):
        back.send_task("portal.tasks.outbox_sweep")  # what beat does every minute

        assert wait_for(lambda: len(mailoutbox) == 1), "the sweep did not send the waiting row"
        time.sleep(0.5)  # a second copy would show up here

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert [m.to for m in mailoutbox] == [["later@example.com"]]
