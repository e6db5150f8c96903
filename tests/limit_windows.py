"""Rate limits count in clock-aligned windows (portal.ratelimits): a test that makes N
requests and expects the N+1th refused must not straddle two windows, or its counter
restarts mid-test (a slow machine made that happen)."""

import time


def one_limit_window(seconds: int, needed: float) -> None:
    """Start where the next `needed` seconds fall inside one window of `seconds`."""
    left = seconds - time.time() % seconds
    if left < needed:
        time.sleep(left + 0.2)
