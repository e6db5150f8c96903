"""Two workers and beat: each notification sent exactly once, periodic tasks published by
one beat even when two run, and a web node killed in the middle of requests loses
nothing it acknowledged."""

import json
import re
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes

import pytest

from portal.models import Event, Notification, Role
from requests_inbox.models import Request
from tests.cluster.conftest import FULL, PASSWORD, browser, wait_for, with_password
from tests.cluster.test_files import PDF_BYTES, follow_signed_url
from tests.factories.portal import member

pytestmark = pytest.mark.django_db(transaction=True)

NOTIFICATIONS = 1000 if FULL else 200


def test_each_notification_is_sent_exactly_once_by_two_workers(cluster, sink):
    """Every row is handed over twice (as the sweep racing the on-commit hand-over
    would), so both workers are offered each e-mail; the outbox's row lock and status
    let exactly one send it."""
    rows = Notification.objects.bulk_create(
        Notification(
            event=Event.ACCESS,
            template="invoices_zip_ready",
            recipient=f"customer{i:04d}@load.test",
            language="en" if i % 2 else "fr",
            context={"url": "https://portal.test/files/1/", "count": 3},
        )
        for i in range(NOTIFICATIONS)
    )
    app = cluster.celery()
    started = time.monotonic()
    for row in rows:
        app.send_task("portal.tasks.send_notification", args=[row.pk])
    for row in reversed(rows):
        app.send_task("portal.tasks.send_notification", args=[row.pk])

    sent = wait_for(
        lambda: (
            Notification.objects.filter(status=Notification.Status.SENT).count() == NOTIFICATIONS
        ),
        timeout=60 + NOTIFICATIONS * 0.3,
        every=1,
    )
    took = time.monotonic() - started
    assert sent, "\n".join(w.tail() for w in cluster.workers)
    wait_for(lambda: len(sink.messages) >= NOTIFICATIONS, timeout=30)
    time.sleep(2)  # a second copy of any e-mail would arrive here
    per_recipient = Counter(message_from_bytes(m)["To"] for m in sink.messages)
    assert len(per_recipient) == NOTIFICATIONS
    assert {n for n in per_recipient.values()} == {1}
    assert len(sink.messages) == NOTIFICATIONS
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    # Both workers took part.
    for worker in cluster.workers:
        assert "portal.tasks.send_notification" in worker.tail(10**7), worker.name
    cluster.tally["notifications sent exactly once (each handed over twice)"] += NOTIFICATIONS
    cluster.tally["notification send time (s)"] = round(took, 1)
    print(
        f"\n{NOTIFICATIONS} notifications, {2 * NOTIFICATIONS} hand-overs, sent once each "
        f"by 2 workers in {took:.1f} s"
    )


def published(cluster, queue: str) -> Counter:
    """Who published the messages waiting in `queue` (the beat process's pid)."""
    import redis

    origins = Counter()
    for raw in redis.Redis.from_url(cluster.redis_url).lrange(queue, 0, -1):
        message = json.loads(raw)
        origin = message["headers"].get("origin", "")  # gen<pid>@host
        origins[int(re.match(r"gen(\d+)@", origin).group(1))] += 1
    return origins


def test_two_beat_processes_publish_each_periodic_task_once(cluster):
    """celery-redbeat's lock: the second beat waits; it takes over when the first stops."""
    import redis

    queue = f"beat-probe-{uuid.uuid4().hex[:8]}"
    cluster.env["CLUSTER_PROBE_QUEUE"] = queue
    try:
        first = cluster.start_beat("beat-a", app="tests.cluster.beat_app")
        second = cluster.start_beat("beat-b", app="tests.cluster.beat_app")
        assert wait_for(lambda: sum(published(cluster, queue).values()) >= 6, timeout=90)
        time.sleep(3)
        origins = published(cluster, queue)
        holder = first if first.popen.pid in origins else second
        waiting = second if holder is first else first
        # One process published every run, about one a second: not two per second.
        assert set(origins) == {holder.popen.pid}, origins
        assert waiting.alive() and "Acquired lock" not in waiting.tail(10**6)
        count = sum(origins.values())
        cluster.tally["periodic runs published while 2 beats ran (all by the lock holder)"] += count

        holder.stop()  # a rollout replacing the beat pod: the other takes over
        assert wait_for(lambda: waiting.popen.pid in published(cluster, queue), timeout=60), (
            waiting.tail()
        )
        after = published(cluster, queue)
        assert after[holder.popen.pid] == count
        waiting.stop()
    finally:
        del cluster.env["CLUSTER_PROBE_QUEUE"]
        client = redis.Redis.from_url(cluster.redis_url)
        client.delete(queue)
        for key in client.scan_iter(match=f"{queue}:*"):
            client.delete(key)


def test_a_node_killed_mid_request_loses_nothing_it_acknowledged(cluster, company):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    doomed = cluster.start_node("web-doomed")
    cluster.wait_ready(doomed)
    client = browser(cluster)
    assert client.get(doomed, "/accounts/login/").status_code == 200
    assert (
        client.post(
            doomed, "/accounts/login/", {"login": viewer.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(doomed, "/requests/new/").status_code == 200

    acknowledged: list[str] = []
    failed: list[str] = []
    stop = threading.Event()

    def submit() -> None:
        index = 0
        while not stop.is_set():
            index += 1
            try:
                answer = client.post(
                    doomed,
                    "/requests/new/",
                    {"subject": f"Kill test {index}", "category": "other", "message": "Hello"},
                    files=[("attachments", (f"note-{index}.pdf", PDF_BYTES, "application/pdf"))],
                    timeout=30,
                )
            except Exception as exc:
                failed.append(f"{index}: {exc.__class__.__name__}")
                return
            if answer.status_code == 302:
                acknowledged.append(answer.headers["Location"])

    thread = threading.Thread(target=submit)
    thread.start()
    assert wait_for(lambda: len(acknowledged) >= 3, timeout=90)
    doomed.kill()  # SIGKILL to the master and its workers, whatever they were doing
    stop.set()
    thread.join(60)
    assert failed, "the kill should have cut a request short"

    # Everything acknowledged is there, whole, through the surviving nodes.
    for index, location in enumerate(acknowledged):
        page = client.get(index % 2, location)
        assert page.status_code == 200, location
        number = location.rstrip("/").rsplit("/", 1)[-1]
        request = Request.objects.get(number=number)
        link = re.search(rf'href="(/requests/{number}/files/[0-9a-f-]+/)"', page.text).group(1)
        assert follow_signed_url(client.get((index + 1) % 2, link)) == PDF_BYTES
        cluster.tally["files uploaded on one node, downloaded through another"] += 1
        assert request.messages.count() == 1
    # A request cut short left either nothing or a whole request (its message, its file).
    stored = Request.objects.filter(company=company)
    for request in stored:
        assert request.messages.count() == 1
        assert request.messages.get().attachments.count() == 1
    # ... and its acknowledgement e-mail in the outbox (same transaction), sent or due.
    acks = Notification.objects.filter(template="requests_inbox_acknowledgement")
    assert acks.count() == stored.count() >= len(acknowledged)
    cluster.nodes.remove(doomed)
    cluster.tally["requests acknowledged by the killed node, all found whole"] += len(acknowledged)
    print(
        f"\n{len(acknowledged)} requests acknowledged by the killed node, all found; "
        f"{Request.objects.filter(company=company).count()} stored"
    )
