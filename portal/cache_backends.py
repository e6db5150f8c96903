"""A Redis cache whose clear() removes only its own keys (used by the test suite).

Django's RedisCache.clear() flushes the whole Redis database. Parallel test
processes share one Redis server, each with its own KEY_PREFIX; a test that clears
the cache (rate-limit counters) must not wipe another process's keys mid-test.
"""

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        pattern = f"{self.key_prefix}:*"  # Django's keys are "<prefix>:<version>:<key>"
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
