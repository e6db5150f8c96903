"""The test suite's Redis cache clears only its own keys (parallel processes share Redis)."""

import pytest
import redis

from portal.cache_backends import PrefixedRedisCache

URL = "redis://127.0.0.1:6379/6"


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {URL} ({exc})")
    return client


def test_clear_removes_only_keys_of_its_prefix_whatever_their_version():
    client = _redis()
    mine = PrefixedRedisCache(URL, {"KEY_PREFIX": "ops-test-a"})
    theirs = PrefixedRedisCache(URL, {"KEY_PREFIX": "ops-test-b"})
    mine.set("counter", 1)
    mine.set("counter", 2, version=3)
    theirs.set("counter", 7)
    client.set("foreign-key", "1")
    try:
        mine.clear()

        assert mine.get("counter") is None
        assert mine.get("counter", version=3) is None
        assert theirs.get("counter") == 7
        assert client.get("foreign-key") == b"1"
    finally:
        theirs.clear()
        client.delete("foreign-key")
