"""The benchmark's shared pieces: each application adds `bench/<app>.py`.

An application module defines:
    NAME = "orders"
    def seed(ctx: Context) -> None      # bulk-creates its large dataset for ctx.company (idempotent)
    def pages(ctx: Context) -> list[Page]  # the pages to measure, signed in as ctx.user
`python -m bench` (make bench) seeds PostgreSQL, measures each page in process
(median and p95 server time, query count) and then the throughput of a few pages
under a real WSGI server and a load generator.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Page:
    name: str
    url: str
    method: str = "GET"
    data: dict[str, Any] | None = None
    target_p95_ms: float | None = None
    target_median_ms: float | None = None
    streaming: bool = False
    session_cookie: str | None = None
    before: Callable[[], None] | None = None
    """Called before each request (in process only), e.g. to empty a cache."""
    """Set by the harness: the signed-in session of the page's company."""


@dataclass
class Context:
    company: Any
    user: Any
    other_company: Any = None
    scale: float = 1.0
    """1.0 = the sizes the issues ask for; smaller for a quick run."""
    extra: dict[str, Any] = field(default_factory=dict)

    def n(self, full: int) -> int:
        return max(1, int(full * self.scale))


@dataclass
class Result:
    page: Page
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def measure(client: Client, page: Page, repeat: int = 30) -> Result:
    """Two warm-up requests (the second counts the queries), then `repeat` timed ones.

    The timed requests run without query capture: logging every SQL statement would
    add its own cost to the figures.
    """

    def request() -> Any:
        if page.before is not None:
            page.before()
        if page.method == "POST":
            response = client.post(page.url, page.data or {})
        else:
            response = client.get(page.url)
        if page.streaming or getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        return response

    request()
    connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
    with CaptureQueriesContext(connection) as ctx:
        response = request()
    queries = len(ctx.captured_queries)
    timings: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - start) * 1000)
    status = response.status_code
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return Result(page, statistics.median(timings), p95, queries, status)
