"""The one rate limiter: atomic under concurrency, failure mode stated per limit."""

import threading

import pytest

from portal import ratelimits
from portal.configuration import redis_caches

CLOSED = "redis://127.0.0.1:1/0"


def test_concurrent_hits_never_pass_the_limit():
    limit = ratelimits.Limit("test:concurrent", 20, 60, ratelimits.ALLOW)
    allowed = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        for _ in range(10):
            if ratelimits.hit((limit, ("same",))).allowed:
                allowed.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 20


def test_a_refusal_names_the_wait_and_gives_back_its_units():
    limit = ratelimits.Limit("test:amount", 10, 60, ratelimits.ALLOW)
    assert ratelimits.hit((limit, ("k",)), amount=8, now=120.0).allowed
    refused = ratelimits.hit((limit, ("k",)), amount=3, now=130.0)
    assert not refused.allowed and refused.retry_after == 50
    assert ratelimits.hit((limit, ("k",)), amount=2, now=131.0).allowed


def test_refund_gives_back_an_allowed_hit():
    limit = ratelimits.Limit("test:refund", 1, 60, ratelimits.ALLOW)
    verdict = ratelimits.hit((limit, ("k",)))
    ratelimits.refund(verdict)
    assert ratelimits.hit((limit, ("k",))).allowed
    assert not ratelimits.hit((limit, ("k",))).allowed


def test_with_the_store_down_a_refusing_limit_raises_and_an_allowing_one_lets_through(
    settings,
):
    settings.CACHES = redis_caches(CLOSED, timeout=0.2)
    refusing = ratelimits.Limit("test:refuse", 5, 60, ratelimits.REFUSE)
    allowing = ratelimits.Limit("test:allow", 5, 60, ratelimits.ALLOW)
    assert ratelimits.hit((allowing, ("k",))).allowed
    with pytest.raises(ratelimits.LimiterUnavailable):
        ratelimits.hit((allowing, ("k",)), (refusing, ("k",)))
