"""Fault tests: a real broker (Redis db 8), real workers, a real SMTP sink, PostgreSQL.

FAULT_SCALE=full runs the issue's sizes (1,000 requests while the broker is down);
the default keeps every test under a minute for CI.
"""

import os
import uuid
from collections import Counter
from email import message_from_bytes
from email.header import decode_header, make_header
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.portal.conftest import SmtpServer

FULL = os.environ.get("FAULT_SCALE", "").lower() == "full"
BROKER_DB = 8


def broker_url() -> str:
    """REDIS_URL's server (default 127.0.0.1:6379), always db 8: ours alone."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/8"
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DB}", "", ""))


def redis_down(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None


BROKER_URL = broker_url()
REDIS_DOWN = redis_down(BROKER_URL)

needs_redis = pytest.mark.skipif(
    REDIS_DOWN is not None, reason=f"no Redis at {BROKER_URL} ({REDIS_DOWN})"
)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks, a database shared with a worker process): "
    "set DATABASE_URL=postgres://... (CI's second pass)",
)


def subject_of(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"] or "")))


def per_subject(messages: list[bytes]) -> Counter:
    return Counter(subject_of(m) for m in messages)


@pytest.fixture
def queue_name():
    """A queue of our own on db 8: parallel runs never take each other's tasks."""
    name = f"faults-{uuid.uuid4().hex[:12]}"
    yield name
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    client.delete(name)


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def smtp_sink(settings):
    """aiosmtpd on a free loopback port; the portal sends to it over SMTP."""
    sink = SmtpServer().start()
    use_smtp(settings, sink.port)
    yield sink
    if sink.controller._thread is not None:  # not left stopped by the test
        sink.stop()
