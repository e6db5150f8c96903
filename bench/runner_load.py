"""`make load`: a paced, signed-in page mix against gunicorn + PostgreSQL, large uploads, a soak.

    make load                                  # 50 requests/s for LOAD_SECONDS (600)
    LOAD_SECONDS=60 LOAD_SCALE=0.1 make load   # a quick run
    LOAD_SECONDS=3600 make load                # the soak: RSS growth and DB connections

It reuses the benchmark harness (bench/runner.py): the bench company and user, every
`bench/<app>.py` module's seed and pages, the gunicorn server (gunicorn.conf.py). Unlike the
runner's closed-loop throughput run, requests here are sent on a fixed schedule
(LOAD_RATE per second) whatever the server's speed, and each latency is counted from
the moment the request was due, so a slow server cannot hide its queue.

The mix: home 10 %, lists with filters 50 %, detail pages 30 %, cached PDF downloads
10 %. Then 10 parallel "Write to us" submissions, each with a 10 MB PDF. Reported:
p95 per page type and per page, errors, the gunicorn workers' RSS before and after,
and the PostgreSQL connections (pg_stat_activity) before, during and after.

The module is named runner_load so that the runner's discovery (which treats every
other bench module as an application's) leaves it alone.
"""

import http.client
import os
import re
import secrets
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

MIX = [("home", 2), ("list", 10), ("detail", 6), ("pdf", 2)]  # out of 20
SKIP = re.compile(r"export|csv|xlsx|zip|guest|healthz|report", re.IGNORECASE)
LIST_TARGET_MS = 300.0


def kind_of(page) -> str | None:
    """Sort a bench page into the issue's mix; exports and guest pages are not in it."""
    name = page.name
    if page.method != "GET" or page.before is not None:  # in-process measurements only
        return None
    if "PDF" in name and "ZIP" not in name:
        return "pdf"  # a stored document, served as a file
    if page.streaming or SKIP.search(name):
        return None
    if name.startswith("home"):
        return "home"
    if re.search(r"(request|contract|item) page$", name):
        return "detail"
    return "list"


def detail_twin(page):
    """The detail page of the object a PDF page serves (the bench lists no invoice page)."""
    from urllib.parse import urlsplit

    from django.urls import NoReverseMatch, resolve, reverse

    from bench.core import Page

    match = resolve(urlsplit(page.url).path)
    number = match.kwargs.get("number")
    if not number or not match.namespace:
        return None
    try:
        url = reverse(f"{match.namespace}:detail", kwargs={"number": number})
    except NoReverseMatch:
        return None
    return Page(f"{match.namespace} detail page", url)


@dataclass
class Hit:
    kind: str
    name: str
    ms: float
    status: int


def get(port: int, url: str, headers: dict[str, str], timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def paced(port: int, plan: dict, headers: dict, rate: float, seconds: float) -> list[Hit]:
    """Open-loop load: request i is due at start + i / rate; latency counts from then."""
    slots = [kind for kind, weight in MIX for _ in range(weight) if plan.get(kind)]
    cursor = {kind: 0 for kind in plan}
    hits: list[Hit] = []
    lock = threading.Lock()

    def one(kind: str, page, due: float) -> None:
        try:
            status, _body = get(
                port, page.url, {**headers, "Cookie": page.session_cookie or headers["Cookie"]}
            )
        except OSError:
            status = 0
        hit = Hit(kind, page.name, (time.perf_counter() - due) * 1000, status)
        with lock:
            hits.append(hit)

    total = int(rate * seconds)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            kind = slots[(i * 7) % len(slots)]  # interleave the kinds
            pages = plan[kind]
            page = pages[cursor[kind] % len(pages)]
            cursor[kind] += 1
            pool.submit(one, kind, page, due)
    return hits


def percentile(values: list[float], q: float) -> float:
    from bench.runner import percentile as runner_percentile

    return runner_percentile(values, q)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pg_connections() -> int:
    """Other sessions on our database (this process's own connection excluded)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def pdf_bytes(size: int) -> bytes:
    head = b"%PDF-1.4\n1 0 obj <<>> endobj\n"
    tail = b"\n%%EOF\n"
    filler = (b"% load test padding " + b"x" * 60 + b"\n") * (size // 81 + 1)
    return head + filler[: size - len(head) - len(tail)] + tail


def upload(port: int, url: str, cookie: str, payload: bytes) -> tuple[int, float]:
    """GET the form (CSRF token), POST a request with one attachment; (status, seconds)."""
    status, body = get(port, url, {"Host": "127.0.0.1", "Cookie": cookie})
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None:
        print(f"  the form answered {status} without a CSRF token")
        return 0, 0.0  # counted as a failed upload
    token = match.group(1).decode()
    boundary = uuid.uuid4().hex
    fields = {
        "csrfmiddlewaretoken": token,
        "subject": "Load test: signed delivery note",
        "category": "other",
        "reference": "",
        "message": "Please find the signed delivery note attached.",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="delivery-note.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + payload
        + b"\r\n"
    )
    data = b"".join(parts) + f"--{boundary}--\r\n".encode()
    csrf_cookie = f"csrftoken={token}"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            url,
            body=data,
            headers={
                "Host": f"127.0.0.1:{port}",  # the Origin check compares host and port
                "Cookie": f"{cookie}; {csrf_cookie}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": f"http://127.0.0.1:{port}{url}",
                "Origin": f"http://127.0.0.1:{port}",
            },
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError as exc:
        print(f"  upload failed: {exc.__class__.__name__}: {exc}")
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - started


def report(hits: list[Hit], seconds: float, rate: float) -> list[str]:
    problems = []
    errors = [h for h in hits if not 200 <= h.status < 400]
    print(
        f"\n{len(hits)} requests in {seconds:.0f} s (target {rate:.0f}/s, "
        f"achieved {len(hits) / seconds:.1f}/s), errors {len(errors)}"
    )
    if errors:
        problems.append(f"{len(errors)} error responses")
        statuses: dict[int, int] = {}
        for h in errors:
            statuses[h.status] = statuses.get(h.status, 0) + 1
        print(f"  error statuses: {statuses}")
    print(f"\n  {'page type':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, _weight in MIX:
        ms = [h.ms for h in hits if h.kind == kind]
        if ms:
            p95 = percentile(ms, 0.95)
            print(
                f"  {kind:<10} {len(ms):>8} {percentile(ms, 0.5):>8.0f} {p95:>8.0f} {max(ms):>8.0f}"
            )
            if kind == "list" and p95 > LIST_TARGET_MS:
                problems.append(f"list pages p95 {p95:.0f} ms > {LIST_TARGET_MS:.0f} ms")
    print(f"\n  {'page':<48} {'n':>5} {'p95 ms':>8} {'errors':>6}")
    for name in sorted({h.name for h in hits}):
        mine = [h for h in hits if h.name == name]
        bad = sum(not 200 <= h.status < 400 for h in mine)
        print(
            f"  {name[:48]:<48} {len(mine):>5} {percentile([h.ms for h in mine], 0.95):>8.0f} {bad:>6}"
        )
    return problems


def main() -> int:
    from bench.__main__ import prepare_environment

    prepare_environment()
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    from bench import runner

    seconds = float(os.environ.get("LOAD_SECONDS", "600"))
    rate = float(os.environ.get("LOAD_RATE", "50"))
    scale = float(os.environ.get("LOAD_SCALE", os.environ.get("BENCH_SCALE", "1.0")))
    uploads = int(os.environ.get("LOAD_UPLOADS", "10"))
    upload_mb = float(os.environ.get("LOAD_UPLOAD_MB", "10"))
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    print(
        f"Load on database {settings.DATABASES['default']['NAME']!r}: {rate:.0f} requests/s "
        f"for {seconds:.0f} s, scale {scale}, then {uploads} x {upload_mb:.0f} MB uploads"
    )
    call_command("compile_translations", verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    ctx = runner.make_context(scale)
    plan: dict[str, list] = {}
    for module in runner.discover(set()):
        # pages(ctx) reads what seed(ctx) records; seeding again is idempotent
        started = time.monotonic()
        module_ctx = runner.module_context(module, ctx)
        module.seed(module_ctx)
        runner.analyze()
        print(
            f"  seeded {getattr(module, 'NAME', module.__name__)} in {time.monotonic() - started:.0f} s"
        )
        module_cookie = runner.session_cookie(runner.signed_in_client(module_ctx))
        for page in module.pages(module_ctx):
            page.session_cookie = module_cookie
            kind = kind_of(page)
            if kind:
                plan.setdefault(kind, []).append(page)
            twin = detail_twin(page) if kind == "pdf" else None
            if twin is not None:
                twin.session_cookie = module_cookie
                plan.setdefault("detail", []).append(twin)
    for kind, pages in plan.items():
        print(f"  {kind}: {', '.join(p.name for p in pages)}")

    client = runner.signed_in_client(ctx)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    headers = {"Host": "127.0.0.1", "Cookie": cookie, "Accept-Language": "en"}
    connections.close_all()
    port = runner.free_port()
    connections_idle = pg_connections()
    server = runner.start_gunicorn(port)
    problems: list[str] = []
    try:
        for pages in plan.values():  # warm-up: caches filled, PDFs rendered once
            for page in pages:
                get(port, page.url, {**headers, "Cookie": page.session_cookie or cookie})
        workers = worker_pids(server.pid)
        rss_warmed = {pid: rss_kb(pid) for pid in workers}
        connections_before = pg_connections()
        # The baseline for growth: after the first minute of paced load (a tenth of a
        # short run), when each worker has served every page; the one warm-up pass
        # above is split between the workers.
        rss_before: dict[int, int] = {}
        baseline = threading.Timer(
            min(60.0, seconds / 10),
            lambda: rss_before.update({pid: rss_kb(pid) for pid in worker_pids(server.pid)}),
        )
        baseline.start()
        started = time.monotonic()
        hits = paced(port, plan, headers, rate, seconds)
        baseline.join()
        elapsed = time.monotonic() - started
        connections_during = pg_connections()
        rss_after = {pid: rss_kb(pid) for pid in worker_pids(server.pid)}
        problems += report(hits, elapsed, rate)

        if uploads:
            # A fresh session: the one made before the run sat idle past its 30 minutes.
            cookie = runner.session_cookie(runner.signed_in_client(ctx))
            payload = pdf_bytes(int(upload_mb * 1_000_000))
            url = reverse("requests_inbox:create")
            with ThreadPoolExecutor(max_workers=uploads) as pool:
                results = list(
                    pool.map(lambda _i: upload(port, url, cookie, payload), range(uploads))
                )
            times = [t for status, t in results if status in (302, 303)]
            failed = [status for status, _t in results if status not in (302, 303)]
            print(
                f"\n{uploads} parallel uploads of {upload_mb:.0f} MB ('Write to us'): "
                f"p95 {percentile(times, 0.95):.2f} s, max {max(times, default=0):.2f} s, "
                f"failed {len(failed)} {failed or ''}"
            )
            if failed:
                problems.append(f"{len(failed)} uploads failed")
            elif percentile(times, 0.95) > 5:
                problems.append("uploads p95 over 5 s")
    finally:
        runner.stop_gunicorn(server)
    time.sleep(1)
    connections_after = pg_connections()

    print("\nGunicorn workers' RSS (after the warm-up pass / after the first minute -> end):")
    for pid, before in rss_before.items():
        after = rss_after.get(pid)
        if after is None:
            print(f"  worker {pid}: {before / 1024:.0f} MiB -> gone (restarted?)")
            problems.append(f"worker {pid} disappeared")
            continue
        growth = (after - before) / before * 100 if before else 0.0
        warmed = rss_warmed.get(pid, 0)
        print(
            f"  worker {pid}: {warmed / 1024:.0f} / {before / 1024:.0f} MiB -> "
            f"{after / 1024:.0f} MiB ({growth:+.1f} % since the first minute)"
        )
        if growth > 10:
            problems.append(f"worker {pid} RSS grew {growth:.1f} %")
    print(
        f"PostgreSQL sessions on the database (others than this process): idle {connections_idle}, "
        f"after warm-up {connections_before}, after the run {connections_during}, "
        f"after gunicorn stopped {connections_after}"
    )
    if connections_after > connections_idle:
        problems.append(f"{connections_after - connections_idle} connections left after stop")
    print(f"\n{len(problems)} problem(s)")
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems and os.environ.get("LOAD_STRICT") == "1" else 0


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    sys.exit(main())
