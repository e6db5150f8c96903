"""A worker killed with SIGKILL in the middle of sending: the e-mail is redelivered
and arrives exactly once.

The worker is a separate process (`celery worker -P solo`), as in production; it
shares the PostgreSQL test database with this test (committed rows, no test
transaction) and Redis db 8. The SMTP sink stalls on DATA for the first message;
the worker is killed while it waits. Its database transaction (the row lock and
the attempt counter) dies with its connection; the task, acknowledged late, is
restored by Redis after the visibility timeout and a second worker sends it.

In production the visibility timeout is an hour; the outbox sweep (every minute)
re-enqueues the still-pending row long before, and the late redelivery then finds
the row sent and skips it (tests/portal/test_notify.py covers deliver-twice).
"""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from portal.models import Notification, Role
from requests_inbox.services import request_submit
from tests.factories.portal import member
from tests.faults.conftest import BROKER_URL, needs_postgresql, needs_redis, subject_of
from tests.faults.test_outbox_outages import portal_app
from tests.portal.conftest import closed_port
from tests.portal.test_worker import using, wait_for

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 5

pytestmark = [
    pytest.mark.worker,
    needs_redis,
    needs_postgresql,
    pytest.mark.django_db(transaction=True),
]


class StallingSink:
    """An SMTP server that holds the first DATA until released, then refuses it."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.stalled = threading.Event()
        self.release = threading.Event()
        sink = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 - aiosmtpd API
                if not sink.stalled.is_set():
                    sink.stalled.set()
                    while not sink.release.is_set():
                        await asyncio.sleep(0.05)
                    return "451 Local error, try again"
                sink.messages.append(envelope.content)
                return "250 OK"

        self.port = closed_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)


@pytest.fixture
def stalling_sink():
    sink = StallingSink()
    sink.controller.start()
    yield sink
    sink.release.set()
    sink.controller.stop()


def database_url() -> str:
    """The test database this process uses: the worker must see the same rows."""
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def start_worker_process(queue: str, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "60",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "PORTAL_TESTING": "0",
        "FAULTS_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "tests.faults.worker_app",
        "worker",
        "-P",
        "solo",
        "-c",
        "1",
        "-Q",
        queue,
        "-l",
        "info",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_killed_while_sending_leads_to_exactly_one_email(
    company, stalling_sink, queue_name, tmp_path
):
    requester = member(company, role=Role.VIEWER, email="requester@acme.test")
    log = tmp_path / "workers.log"
    app = portal_app(BROKER_URL, queue_name)
    with using(app):
        request = request_submit(
            company=company,
            user=requester,
            category="other",
            subject="Toner",
            message="Please send two toner cartridges.",
        )  # committed; the send task waits in Redis
    row = Notification.objects.get(template="requests_inbox_acknowledgement")

    first = start_worker_process(queue_name, stalling_sink.port, log)
    try:
        assert stalling_sink.stalled.wait(45), "the worker never reached DATA:\n" + log.read_text()
        first.send_signal(signal.SIGKILL)  # mid-send: the row is locked, the task unacknowledged
        first.wait(10)
    finally:
        stop(first)
    stalling_sink.release.set()
    assert stalling_sink.messages == []
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 0  # the killed transaction left nothing behind

    time.sleep(VISIBILITY_TIMEOUT + 1)  # the dead worker's task is now past its visibility
    second = start_worker_process(queue_name, stalling_sink.port, log)
    try:
        delivered = wait_for(lambda: len(stalling_sink.messages) >= 1, timeout=45)
        assert delivered, "the task was not redelivered:\n" + log.read_text()[-4000:]
        time.sleep(VISIBILITY_TIMEOUT + 2)  # a second copy would arrive here
    finally:
        stop(second)

    assert [subject_of(m) for m in stalling_sink.messages] == [
        f"[{request.number}] We received your request: Toner"
    ]
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
