"""Rate limits: the one mechanism (sign-in, guest lookup, invoice copies, access requests).

One atomic counter per limit, key and clock-aligned window in the "limits" cache
(Redis in production, shared by every web node): `add` creates it, `incr` counts,
so two requests at once can never both take the last unit. A refused request gives
its units back, so it never uses up an allowance it did not get. Keys are hashed:
the cache never holds what a visitor typed.

Each limit states what happens when the cache cannot be reached: `REFUSE` (the guest
order lookup, whose limits must hold: the caller answers 503) or `ALLOW` (signing in,
sending copies, asking for access: an outage of the cache must not stop them; a
warning is logged). django-ratelimit was not kept: it counts by one only, cannot
give units back and has one global failure mode.
"""

import hashlib
import logging
import time
from dataclasses import dataclass, field
from enum import Enum

from django.core.cache import caches

log = logging.getLogger(__name__)
_last_warning = 0.0


class OnOutage(Enum):
    REFUSE = "refuse"
    ALLOW = "allow"


REFUSE = OnOutage.REFUSE
ALLOW = OnOutage.ALLOW


class LimiterUnavailable(Exception):
    """The counters cannot be reached and the limit refuses in that case."""


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int  # units per window
    seconds: int  # window length
    on_outage: OnOutage


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the refusing window ends
    amount: int = 0
    counted: tuple[tuple[str, int], ...] = field(default=(), repr=False)


def _window(limit: Limit, now: float) -> tuple[int, int]:
    window = int(now // limit.seconds)
    return window, max(1, int((window + 1) * limit.seconds - now))


def _key(limit: Limit, parts: tuple[str, ...], window: int) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"rl:{limit.name}:{digest}:{window}"


def _warn(limit: Limit, exc: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 30:  # one line per 30 s during an outage
        _last_warning = time.monotonic()
        log.warning(
            "rate limit store unavailable",
            extra={"limit": limit.name, "on_outage": limit.on_outage.value, "error": str(exc)},
        )


def _count(key: str, amount: int, timeout: int) -> int:
    cache = caches["limits"]
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout)
        return amount


def hit(
    *checks: tuple[Limit, tuple[str, ...]], amount: int = 1, now: float | None = None
) -> Verdict:
    """Count `amount` units against every (limit, key parts); refused if one is exceeded.

    A refusal gives back the units counted by this call. Raises LimiterUnavailable
    when the store is down and a REFUSE limit is among the checks.
    """
    now = time.time() if now is None else now
    taken: list[tuple[str, int]] = []
    refused: list[int] = []
    for limit, parts in checks:
        window, retry_after = _window(limit, now)
        key = _key(limit, parts, window)
        try:
            count = _count(key, amount, limit.seconds + 5)
        except Exception as exc:  # redis down or timing out
            _warn(limit, exc)
            if limit.on_outage is REFUSE:
                _give_back(taken, amount)
                raise LimiterUnavailable(str(exc)) from exc
            continue
        taken.append((key, limit.seconds + 5))
        if count > limit.allowed:
            refused.append(retry_after)
    if refused:
        _give_back(taken, amount)
        return Verdict(False, max(refused))
    return Verdict(True, amount=amount, counted=tuple(taken))


def refund(verdict: Verdict) -> None:
    """Give back what an allowed hit counted (a sign-in that turned out right)."""
    _give_back(list(verdict.counted), verdict.amount)


def reset(*checks: tuple[Limit, tuple[str, ...]]) -> None:
    """Forget the current window's count (the password was reset by its owner)."""
    now = time.time()
    try:
        caches["limits"].delete_many(
            [_key(limit, parts, _window(limit, now)[0]) for limit, parts in checks]
        )
    except Exception as exc:  # nothing to forget when the store is down
        log.warning("rate limit store unavailable", extra={"error": str(exc)})


def _give_back(keys: list[tuple[str, int]], amount: int) -> None:
    cache = caches["limits"]
    for key, _timeout in keys:
        try:
            cache.decr(key, amount)
        except Exception as exc:  # expired or unreachable: nothing left to give back
            log.debug("rate limit not given back", extra={"error": str(exc)})
