"""Each page's throughput as a share of a bare Django "hello" application's (the ceiling).

Machines here differ by 2x from one day to the next and are shared: an absolute figure
says little. So `make bench` serves the ceiling application (bench/hello) with gunicorn
next to the portal, with the same gunicorn configuration, and drives one page at a time
in a closed loop (CONCURRENCY connections, each sending its next request as soon as the
previous answer has been read) for RATIO_SECONDS. The ceiling is measured again every
few pages; a page's share is its requests/s over the mean of the ceiling measured just
before and just after it, so the two are close together in time.

The load generator runs in two processes of its own (raw sockets, one connection per
request, as gunicorn's sync workers close each one), so that Python's GIL in the
generator does not cap the ceiling.

On a machine shared with other work the throughput share is noisy (the ceiling moves
with everyone else's load). So the table also gives the CPU time the server spent per
request (the gunicorn workers, plus their PostgreSQL backends for the portal, read from
/proc) and the page's share by that measure: the ceiling's CPU per request over the
page's. Both shares tell the same on an idle machine; the CPU one holds on a busy one.
"""

import http.client
import multiprocessing
import os
import socket
import statistics
import threading
import time
from dataclasses import dataclass

# The pages and their targets (share of the ceiling); None: shown, no target.
RATIO_PAGES: dict[str, float | None] = {
    "healthz": None,
    "home (signed in, every app)": 0.06,
    "invoices list first page": 0.05,
    "orders list first page": 0.05,
    "orders search order number": 0.05,
    "requests: list": 0.05,
    "requests: request page": 0.05,
    "contracts list first page": 0.05,
    "contracts contract page": 0.05,
    "inventory by site (first page)": 0.05,
    "inventory item page": 0.05,
    "statements: accounts": 0.05,
}
PAGES_BETWEEN_CEILINGS = 3
GENERATOR_PROCESSES = 2


@dataclass
class Rate:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    cpu_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU time per request (gunicorn workers and their database backends)."""
        return self.cpu_seconds * 1000 / self.requests if self.requests else 0.0


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(parent: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                pids.append(int(entry))
    return pids


def database_backends() -> list[int]:
    """The PostgreSQL backends serving this database, but this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def server_ticks(server_pid: int, with_database: bool) -> dict[int, int]:
    pids = children(server_pid) + (database_backends() if with_database else [])
    return {pid: _cpu_ticks(pid) for pid in pids}


def ticks_since(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU ticks spent between the two readings (a process gone in between is left out:
    a database connection closed after CONN_MAX_AGE)."""
    return sum(max(0, ticks - before.get(pid, 0)) for pid, ticks in after.items())


def raw_request(path: str, cookie: str | None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Accept-Language: en",
        "Connection: close",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _one(port: int, request: bytes) -> int:
    """Send one request, read the answer to its end; its status (0: no answer)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request)
            head = sock.recv(65536)
            while sock.recv(65536):
                pass
        return int(head[9:12])
    except (OSError, ValueError):
        return 0


def _generator(port: int, request: bytes, start_at: float, seconds: float, threads: int, out):
    """One load generator process: `threads` closed loops from start_at for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    end_at = start_at + seconds

    def loop() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        while time.time() < end_at:
            started = time.perf_counter()
            status = _one(port, request)
            mine.append((time.perf_counter() - started) * 1000)
            if not 200 <= status < 400:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    while time.time() < start_at:
        time.sleep(0.005)
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors, time.time() - start_at))


def closed_loop(
    port: int,
    path: str,
    cookie: str | None,
    seconds: float,
    concurrency: int,
    server_pid: int,
    with_database: bool,
) -> Rate:
    request = raw_request(path, cookie)
    for _ in range(4):  # every worker has served the page once (templates compiled)
        _one(port, request)
    ticks = server_ticks(server_pid, with_database)
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    processes = min(GENERATOR_PROCESSES, concurrency)
    start_at = time.time() + 0.5  # the processes have started by then
    generators = [
        context.Process(
            target=_generator,
            args=(port, request, start_at, seconds, concurrency // processes, out),
        )
        for _ in range(processes)
    ]
    for child in generators:
        child.start()
    results = [out.get(timeout=seconds + 120) for _ in generators]
    for child in generators:
        child.join()
    ticks = ticks_since(ticks, server_ticks(server_pid, with_database))
    latencies = sorted(ms for lat, _e, _s in results for ms in lat)
    elapsed = max(s for _l, _e, s in results)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * (len(latencies) - 1)))] if latencies else 0

    errors = sum(e for _l, e, _s in results)
    return Rate(len(latencies), elapsed, errors, pct(0.5), pct(0.95), ticks / TICKS)


def wait_until_up(port: int, server, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


@dataclass
class Row:
    name: str
    url: str
    rate: Rate
    ceiling: float
    ceiling_cpu_ms: float
    target: float | None

    @property
    def share(self) -> float:
        return self.rate.per_second / self.ceiling if self.ceiling else 0.0

    @property
    def cpu_share(self) -> float:
        return self.ceiling_cpu_ms / self.rate.cpu_ms if self.rate.cpu_ms else 0.0

    @property
    def verdict(self) -> str:
        if self.rate.errors:
            return "FAIL (errors)"
        if self.target is None:
            return "-"
        return "PASS" if self.share >= self.target else "FAIL"


def ratio_table(pages, *, portal, hello, seconds: float, concurrency: int):
    """Measure the ceiling, then PAGES_BETWEEN_CEILINGS pages, the ceiling again, ...;
    `portal` and `hello` are (port, gunicorn process). Returns (rows, ceiling rates)."""
    ceilings: list[Rate] = []

    def ceiling() -> Rate:
        rate = closed_loop(hello[0], "/", None, seconds, concurrency, hello[1].pid, False)
        ceilings.append(rate)
        print(
            f"    ceiling (bare Django hello): {rate.per_second:,.0f} requests/s, "
            f"{rate.cpu_ms:.2f} ms CPU/request",
            flush=True,
        )
        return rate

    rows: list[Row] = []
    before = ceiling()
    for start in range(0, len(pages), PAGES_BETWEEN_CEILINGS):
        group = []
        for page in pages[start : start + PAGES_BETWEEN_CEILINGS]:
            rate = closed_loop(
                portal[0], page.url, page.session_cookie, seconds, concurrency, portal[1].pid, True
            )
            print(
                f"    {page.name}: {rate.per_second:,.1f} requests/s, "
                f"{rate.cpu_ms:.1f} ms CPU/request",
                flush=True,
            )
            group.append((page, rate))
        after = ceiling()
        for page, rate in group:
            rows.append(
                Row(
                    page.name,
                    page.url,
                    rate,
                    (before.per_second + after.per_second) / 2,
                    (before.cpu_ms + after.cpu_ms) / 2,
                    RATIO_PAGES.get(page.name),
                )
            )
        before = after
    return rows, ceilings


def print_ratio_table(rows: list[Row], ceilings: list[Rate], seconds: float, concurrency: int):
    width = max([len(r.name) for r in rows] + [24])
    values = [c.per_second for c in ceilings]
    spread = (max(values) - min(values)) / statistics.mean(values) * 100 if values else 0.0
    print(
        f"\nThroughput as a share of the ceiling (closed loop, {concurrency} connections, "
        f"{seconds:.0f} s per page; ceiling {statistics.mean(values):,.0f} requests/s on "
        f"average, measured {len(values)} times, spread {spread:.0f} %):"
    )
    cpu = statistics.mean(c.cpu_ms for c in ceilings) if ceilings else 0.0
    print(f"  (the ceiling's server CPU: {cpu:.2f} ms per request on average)")
    header = (
        f"  {'page':<{width}} {'req/s':>8} {'ceiling':>8} {'share':>7} {'target':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7} {'CPU share':>9}  result"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in rows:
        target = f"{r.target * 100:.0f} %" if r.target is not None else "-"
        print(
            f"  {r.name:<{width}} {r.rate.per_second:>8.1f} {r.ceiling:>8.0f} "
            f"{r.share * 100:>6.2f}% {target:>7} {r.rate.p50_ms:>7.1f} {r.rate.p95_ms:>7.1f} "
            f"{r.rate.cpu_ms:>7.1f} {r.cpu_share * 100:>8.2f}%  {r.verdict}"
        )
    print(
        "  share: requests/s over the ceiling's (the target); CPU share: the ceiling's server "
        "CPU per request over the page's (steadier on a busy machine)."
    )
