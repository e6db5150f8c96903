"""A streaming replica behind the database router (portal.db_router): list and detail
pages read it, a user who has just written reads the primary (read-your-writes, on any
node), and the portal keeps working from the primary when the replica lags beyond its
bound or is down."""

import time

import pytest
from django.db import connection

from portal.models import Role
from requests_inbox.models import Request
from tests.cluster.conftest import PASSWORD, browser, wait_for, with_password
from tests.cluster.harness import free_port, stop_all
from tests.cluster.replica import Replica, ReplicaUnavailable
from tests.factories.portal import member

pytestmark = pytest.mark.django_db(transaction=True)

MAX_LAG = 8  # DATABASE_REPLICA_MAX_LAG of the nodes below (room for a loaded CI machine)
PIN = MAX_LAG + 1  # DATABASE_REPLICA_PIN_SECONDS


@pytest.fixture(scope="module")
def replica(cluster, django_db_blocker):
    with django_db_blocker.unblock():
        primary = dict(connection.settings_dict)
    running = Replica(primary, free_port())
    try:
        running.start()
    except ReplicaUnavailable as exc:
        running.restore_primary()
        pytest.skip(f"no streaming replica here: {exc}")
    except BaseException:
        running.remove()
        running.restore_primary()
        raise
    running.dbname = primary["NAME"]
    yield running
    running.remove()
    running.restore_primary()


@pytest.fixture(scope="module")
def replica_nodes(cluster, replica):
    env = {
        "DATABASE_REPLICA_URL": replica.url(replica.dbname),
        "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
        "DATABASE_REPLICA_PIN_SECONDS": str(PIN),
        "COMPANY_CACHE_SECONDS": "0",
    }
    nodes = [cluster.start_node(f"replica-web{i}", extra_env=env) for i in (1, 2)]
    for node in nodes:
        cluster.wait_ready(node)
    yield nodes
    stop_all(nodes)
    for node in nodes:
        cluster.nodes.remove(node)


def replayed(replica, subject: str) -> bool:
    with replica.connect(replica.dbname) as conn:
        row = conn.execute(
            "SELECT count(*) FROM requests_inbox_request WHERE subject = %s", [subject]
        ).fetchone()
    return row[0] > 0


def pause(replica) -> None:
    with replica.connect(replica.dbname) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")


def resume(replica) -> None:
    with replica.connect(replica.dbname) as conn:
        conn.execute("SELECT pg_wal_replay_resume()")


def signed_in(cluster, node, user):
    client = browser(cluster)
    assert client.get(node, "/accounts/login/").status_code == 200
    answer = client.post(node, "/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def submit_directly(company, user, subject: str) -> Request:
    from requests_inbox.services import request_submit

    return request_submit(
        company=company, user=user, category="other", subject=subject, message="x"
    )


def test_read_your_writes_and_a_replica_lagging_beyond_its_bound(
    cluster, replica, replica_nodes, company
):
    first, second = replica_nodes
    writer = with_password(member(company, role=Role.VIEWER, email="writer@acme.test"))
    # The company's administrator sees every request of the company (the writer's too).
    reader = with_password(member(company, role=Role.VIEWER, admin=True, email="reader@acme.test"))
    writing = signed_in(cluster, first, writer)
    reading = signed_in(cluster, second, reader)
    assert writing.get(second, "/requests/new/").status_code == 200
    time.sleep(PIN + 0.5)  # the sign-ins' own read-your-writes windows are over

    # The replica is up to date with a fresh commit; then its replay stops (a lag).
    submit_directly(company, writer, "Fresh commit")
    assert wait_for(lambda: replayed(replica, "Fresh commit"), timeout=30)
    pause(replica)
    try:
        answer = writing.post(
            first,
            "/requests/new/",
            {"subject": "Just written", "category": "other", "message": "Where is it?"},
        )
        assert answer.status_code == 302, answer.text[:1500]
        location = answer.headers["Location"]
        # The writer sees it at once, on both nodes: list and detail read the primary.
        assert writing.get(second, location).status_code == 200
        assert "Just written" in writing.get(first, "/requests/").text
        assert "Just written" in writing.get(second, "/requests/").text
        # Another user reads the replica (within its bound): not there yet. This is the
        # proof that list pages are served by the replica at all.
        page = reading.get(second, "/requests/")
        assert page.status_code == 200 and "Fresh commit" in page.text
        assert "Just written" not in page.text
        assert reading.get(first, location).status_code == 404

        # The replica stays paused: past the bound, every node reads the primary.
        time.sleep(MAX_LAG + 1.5)
        for node in (first, second):
            page = reading.get(node, "/requests/")
            assert page.status_code == 200 and "Just written" in page.text
            assert reading.get(node, location).status_code == 200
    finally:
        resume(replica)
    assert wait_for(lambda: replayed(replica, "Just written"), timeout=30)


def test_the_portal_keeps_working_on_the_primary_while_the_replica_is_down(
    cluster, replica, replica_nodes, company
):
    first, second = replica_nodes
    user = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    client = signed_in(cluster, second, user)
    created = submit_directly(company, user, "Before the outage")
    # The sign-in's read-your-writes window is over: reads may use the replica.
    time.sleep(PIN + 0.5)
    replica.stop()
    try:
        time.sleep(1.5)  # past the last check of a healthy replica
        for node in (first, second, first):
            listing = client.get(node, "/requests/")
            assert listing.status_code == 200
            assert "Before the outage" in listing.text
            assert client.get(node, f"/requests/{created.number}/").status_code == 200
        assert client.get(first, "/requests/new/").status_code == 200
        answer = client.post(
            first,
            "/requests/new/",
            {"subject": "During the outage", "category": "other", "message": "x"},
        )
        assert answer.status_code == 302
        assert "During the outage" in client.get(second, "/requests/").text
    finally:
        replica.start_again()
    for node in (first, second):
        assert "replica unreachable" in node.tail(10**6)
