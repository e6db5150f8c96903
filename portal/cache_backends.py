"""Cache backend of the test suite.

django-redis's clear() flushes the whole Redis database; parallel test processes share
one server with their own KEY_PREFIX, and a test that clears the cache must not wipe
another process's keys.
"""

from django_redis.cache import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self) -> None:
        client = self.client.get_client(write=True)
        pattern = f"{self.key_prefix}:*"  # keys are "<prefix>:<version>:<key>"
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
