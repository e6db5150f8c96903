"""Rate limits of the guest order lookup, counted in Django's cache (Redis in production).

Fixed one-minute windows per client address and per customer number (hashed, so
the cache never holds what a guest typed). `CacheUnavailable` lets the view answer
a friendly 503 when the cache is down instead of failing open or crashing.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

WINDOW = 60


class CacheUnavailable(Exception):
    """The counter store cannot be reached."""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"orders:guest:{kind}:{digest}:{window}"


def _hit(key: str) -> int:
    # The "limits" cache fails closed: with Redis down the caller answers 503.
    cache = caches["limits"]
    cache.add(key, 0, WINDOW + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW + 5)
        return 1


def check(*, client_address: str, customer_number: str, now: float | None = None) -> Verdict:
    """Count one lookup attempt; refuse it once a limit is passed within the current minute."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    retry_after = max(1, int((window + 1) * WINDOW - now))
    limits = [
        ("ip", client_address or "unknown", settings.GUEST_LOOKUP_LIMIT_PER_IP),
        ("customer", customer_number.strip().upper(), settings.GUEST_LOOKUP_LIMIT_PER_CUSTOMER),
    ]
    try:
        counts = [(_hit(_key(kind, value, window)), limit) for kind, value, limit in limits]
    except Exception as exc:  # redis down, timeouts: the caller answers 503
        raise CacheUnavailable(str(exc)) from exc
    if any(count > limit for count, limit in counts):
        return Verdict(False, retry_after)
    return Verdict(True)
