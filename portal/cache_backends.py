"""Cache backends.

ResilientRedisCache degrades instead of failing when Redis is unreachable. Sessions
(cached_db), allauth's sign-in throttling and page caches use the default cache: with
Redis down they carry on (sessions from the database, throttles open, nothing cached)
and a warning is logged, so signing in still works. Rate limits that must fail closed
(the guest order lookup) use the "limits" alias, a plain RedisCache whose errors reach
the caller (which answers 503).

The Prefixed* variants are for the test suite: Django's RedisCache.clear() flushes the
whole Redis database; parallel test processes share one server with their own
KEY_PREFIX, and a test that clears the cache must not wipe another process's keys.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 30:  # one line per 30 s, not one per request
        _last_warning = now
        log.warning(
            "cache unavailable, degrading", extra={"operation": operation, "error": str(exc)}
        )


class ResilientRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _DOWN as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except _DOWN as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except _DOWN as exc:
            _warn("has_key", exc)
            return False

    def set(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(*args, **kwargs)
        except _DOWN as exc:
            _warn("set", exc)

    def set_many(self, *args: Any, **kwargs: Any) -> list:
        try:
            return super().set_many(*args, **kwargs)
        except _DOWN as exc:
            _warn("set_many", exc)
            return []

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except _DOWN as exc:
            _warn("add", exc)
            return True  # a lock taken on an absent cache: let the caller go on

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().touch(*args, **kwargs)
        except _DOWN as exc:
            _warn("touch", exc)
            return False

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().delete(*args, **kwargs)
        except _DOWN as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().delete_many(*args, **kwargs)
        except _DOWN as exc:
            _warn("delete_many", exc)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except _DOWN as exc:
            _warn("incr", exc)
            raise ValueError("cache unavailable") from exc


class _ClearOwnKeys:
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


class PrefixedRedisCache(_ClearOwnKeys, RedisCache):
    pass


class PrefixedResilientRedisCache(_ClearOwnKeys, ResilientRedisCache):
    pass
