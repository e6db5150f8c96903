"""The multi-node run: two web nodes, two workers, beat and an S3 server on loopback.

It needs PostgreSQL (a database shared by every process) and Redis (cache, sessions,
rate limits and broker shared by every node): CI's second pass. On the embedded pass
(SQLite, no Redis) every test here is skipped with the reason.

CLUSTER_SCALE=full (`make cluster`) runs the issue's sizes (1,000 notifications);
the default keeps tests/cluster short for CI.
"""

import os
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.cluster.harness import Browser, Cluster, database_url, redis_url

FULL = os.environ.get("CLUSTER_SCALE", "").lower() == "full"
PASSWORD = "correct-horse-battery-staple"


def _redis_down(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None


def skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return (
            "the multi-node run needs PostgreSQL and Redis shared by every process: "
            "set DATABASE_URL=postgres://... and REDIS_URL=redis://... (CI's second pass)"
        )
    if not os.environ.get("REDIS_URL"):
        return "the multi-node run needs Redis (sessions, limits, broker): set REDIS_URL"
    down = _redis_down(redis_url())
    if down:
        return f"no Redis at {redis_url()} ({down})"
    return None


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    for item in items:
        if "/tests/cluster/" not in str(item.path).replace("\\", "/"):
            continue
        item.add_marker(pytest.mark.xdist_group("cluster"))  # one cluster per run
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def cluster_sink():
    from tests.portal.conftest import SmtpServer

    sink = SmtpServer().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="package")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory, cluster_sink):
    """Started for the tests of this package and stopped after the last one, even after a
    failure. Package scope, not session: its beat and workers share the test database, and
    left running they would sweep and send the outbox rows of the tests that follow."""
    work = tmp_path_factory.mktemp("cluster")
    with django_db_blocker.unblock():
        database = database_url(connection.settings_dict)
    running = Cluster(work, database, cluster_sink.port)
    started = time.monotonic()
    try:
        running.start()
    except BaseException:
        running.stop()
        raise
    running.started_in = time.monotonic() - started
    running.tally["cluster start-up (s)"] = round(running.started_in)
    yield running
    running.stop()
    print("\n" + running.summary())


@pytest.fixture(autouse=True)
def _fresh_cluster_limits(request):
    """Rate-limit counters of the cluster's Redis never carry from one test to the next."""
    if "cluster" not in request.fixturenames:
        yield
        return
    import redis

    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(match="*rl:*"):
        client.delete(key)
    yield


@pytest.fixture
def sink(cluster_sink):
    cluster_sink.messages.clear()
    return cluster_sink


def with_password(user):
    """A password the nodes can check (they hash with Argon2, not the suite's MD5)."""
    user.password = make_password(PASSWORD, hasher="argon2")
    user.save(update_fields=["password"])
    return user


def browser(cluster) -> Browser:
    return Browser(cluster)


def wait_for(predicate, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()
