"""The benchmark harness: bench company and user, seeding, per-page timings, throughput.

Every `bench/<app>.py` (see bench/core.py) is found automatically. Pages are timed
in process with Django's test client (median, p95, query count against the page's
target); then a real WSGI server (gunicorn, 2 workers, loopback) is driven by a
small threaded load generator with a signed-in session stored in the database.
"""

import argparse
import http.client
import importlib
import logging
import os
import pkgutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import django

from bench.ceiling import RATIO_PAGES, print_ratio_table, ratio_table, wait_until_up

NOT_APP_MODULES = {"core", "__main__", "platform", "ceiling", "hello"}
ROOT = Path(__file__).resolve().parent.parent


# --- Set-up ---------------------------------------------------------------------------


def discover(only: set[str]) -> list[ModuleType]:
    """Every application module, alphabetically, then bench/platform.py (the home page
    aggregates what the applications seeded)."""
    import bench

    names = sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name not in NOT_APP_MODULES and not m.name.startswith("runner")
    ) + ["platform"]
    modules = []
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except Exception:
            print(f"!! bench/{name}.py does not import:\n{traceback.format_exc()}")
            continue
        label = getattr(module, "NAME", name)
        if only and name not in only and label not in only:
            continue
        modules.append(module)
    return modules


def make_context(
    scale: float, customer_number: str = "9900001", name: str = "Bench Company SA"
) -> Any:
    """The bench company (France, offering every app) and its approver/company admin."""
    from allauth.account.models import EmailAddress
    from django.db import transaction

    from bench.core import Context
    from portal.applications import App
    from portal.models import Authorization, Company, Country, Membership, Role, Site, User

    apps = [a.value for a in App]
    with transaction.atomic():
        country, _ = Country.objects.get_or_create(
            code="FR", defaults={"name": "France", "name_fr": "France", "currency": "EUR"}
        )
        country.apps = apps
        country.features = sorted(set(country.features or []) | {"services_assistant"})
        country.save()
        company, _ = Company.objects.get_or_create(
            customer_number=customer_number,
            defaults={"name": name, "country": country, "address": "1 rue du Test"},
        )
        if hasattr(company, "services_assistant") and not company.services_assistant:
            company.services_assistant = True
            company.save(update_fields=["services_assistant"])
        other, _ = Company.objects.get_or_create(
            customer_number="9900002",
            defaults={"name": "Bench Other SARL", "country": country},
        )
        for code, name, city in [("BPA", "Bench Paris", "Paris"), ("BLY", "Bench Lyon", "Lyon")]:
            Site.objects.get_or_create(
                company=company,
                code=code,
                defaults={"name": name, "city": city, "country": country},
            )
        user, created = User.objects.get_or_create(
            email="bench@example.com",
            defaults={"first_name": "Bench", "last_name": "User", "preferred_language": "en"},
        )
        if created:
            user.set_password("bench-password-not-secret")
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            user=user, company=company, defaults={"is_company_admin": True}
        )
        for app in apps:
            Authorization.objects.update_or_create(
                user=user,
                company=company,
                app=app,
                defaults={"role": Role.APPROVER, "status": Authorization.Status.GRANTED},
            )
    return Context(company=company, user=user, other_company=other, scale=scale)


def analyze() -> None:
    """VACUUM ANALYZE after seeding, as autovacuum would do after a bulk load: planner
    statistics and visibility maps (index-only scans) as in a database in service."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def module_context(module: ModuleType, ctx: Any) -> Any:
    """A module declaring OWN_COMPANY = (customer number, name) seeds and measures in a
    company of its own, so its rows do not swell another module's lists (the statements'
    ledger holds invoices, which would otherwise land in the invoices bench's company)."""
    own = getattr(module, "OWN_COMPANY", None)
    return make_context(ctx.scale, *own) if own else ctx


def session_cookie(client: Any) -> str:
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def signed_in_client(ctx: Any) -> Any:
    from django.test import Client

    from portal.middleware import ACTIVE_COMPANY_KEY

    client = Client(raise_request_exception=False)  # a failing page is a 500 in the table
    client.force_login(ctx.user)
    session = client.session
    session[ACTIVE_COMPANY_KEY] = ctx.company.pk
    session.save()
    return client


# --- Measuring ----------------------------------------------------------------------------


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_rss(client: Any, page: Any) -> tuple[int, int, int]:
    """(baseline KB, peak KB, bytes) while one streaming export is read to its end."""
    baseline = _rss_kb()
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_kb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = 0
    try:
        response = client.get(page.url)
        if getattr(response, "streaming", False):
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
    finally:
        done.set()
        sampler.join()
    return baseline, max(peak, _rss_kb()), size


def verdict(result: Any) -> str:
    if not 200 <= result.status < 400:
        return "FAIL (status)"
    page = result.page
    if page.target_p95_ms is None and page.target_median_ms is None:
        return "-"
    p95_ok = page.target_p95_ms is None or result.p95_ms <= page.target_p95_ms
    median_ok = page.target_median_ms is None or result.median_ms <= page.target_median_ms
    return "PASS" if p95_ok and median_ok else "FAIL"


def target_label(page: Any) -> str:
    """'100' is a p95 target (most issues), 'med 50' a median one."""
    if page.target_median_ms is not None:
        return f"med {page.target_median_ms:.0f}"
    return f"{page.target_p95_ms:.0f}" if page.target_p95_ms is not None else "-"


def print_table(title: str, results: list[Any]) -> None:
    width = max([len(r.page.name) for r in results] + [24])
    print(f"\n{title}")
    header = (
        f"  {'page':<{width}} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
        f"{'status':>6} {'target':>7}  result"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in results:
        target = target_label(r.page)
        print(
            f"  {r.page.name:<{width}} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} {r.queries:>8} "
            f"{r.status:>6} {target:>7}  {verdict(r)}"
        )


# --- Throughput -----------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    statuses: dict[int, int]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, app: str = "portal.wsgi:application") -> subprocess.Popen:
    """gunicorn with the production configuration (gunicorn.conf.py: worker class,
    workers, threads), on loopback."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), start_new_session=True)
    try:
        wait_until_up(port, server)
    except RuntimeError:
        stop_gunicorn(server)
        raise
    return server


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def drive(
    port: int, urls: list[tuple[str, str]], *, limit: int, seconds: float, threads: int
) -> Load:
    """Loopback load: `threads` clients round-robin over (url, session cookie) pairs,
    bounded in count and time."""
    lock = threading.Lock()
    counter = iter(range(limit))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            url, cookie = urls[index % len(urls)]
            headers = {"Host": "127.0.0.1", "Cookie": cookie, "Accept-Language": "en"}
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if not 200 <= status < 400:
                    errors += 1

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Load(len(latencies), time.monotonic() - started, latencies, errors, statuses)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def throughput(ctx: Any, pages: list[Any], args: argparse.Namespace) -> Load | None:
    from django.db import connections

    default = session_cookie(signed_in_client(ctx))
    urls = [(p.url, p.session_cookie or default) for p in pages]
    connections.close_all()
    port = free_port()
    print(
        f"\nThroughput: gunicorn (gunicorn.conf.py) on 127.0.0.1:{port}, {args.concurrency} clients, "
    )
    print(f"  at most {args.requests} requests or {args.duration:.0f} s over {len(urls)} pages:")
    for url, _cookie in urls:
        print(f"    {url}")
    server = start_gunicorn(port)
    try:
        drive(port, urls, limit=len(urls) * 2, seconds=30, threads=2)  # warm-up
        load = drive(
            port,
            urls,
            limit=args.requests,
            seconds=args.duration,
            threads=args.concurrency,
        )
    finally:
        stop_gunicorn(server)
    rate = load.requests / load.seconds if load.seconds else 0.0
    print(
        f"  {load.requests} requests in {load.seconds:.1f} s: {rate:.1f} requests/s, "
        f"p50 {percentile(load.latencies_ms, 0.5):.1f} ms, "
        f"p95 {percentile(load.latencies_ms, 0.95):.1f} ms, errors {load.errors} "
        f"(statuses {dict(sorted(load.statuses.items()))})"
    )
    return load


def ratios(pages: list[Any], args: argparse.Namespace) -> list[Any]:
    """The issue's pages (bench.ceiling.RATIO_PAGES), each in a closed loop, as a share of
    the bare Django application served next to the portal (same gunicorn configuration)."""
    from django.db import connections

    chosen = sorted(
        (p for p in pages if p.name in RATIO_PAGES), key=lambda p: list(RATIO_PAGES).index(p.name)
    )
    missing = [name for name in RATIO_PAGES if name not in {p.name for p in chosen}]
    if missing:
        print(f"\n!! ratio table: no bench page named {', '.join(missing)}")
    if not chosen:
        return []
    connections.close_all()
    portal_port, hello_port = free_port(), free_port()
    print(
        f"\nRatios: the portal on 127.0.0.1:{portal_port} and the ceiling (bench/hello) on "
        f"127.0.0.1:{hello_port}, both gunicorn with gunicorn.conf.py:"
    )
    portal = start_gunicorn(portal_port)
    try:
        hello = start_gunicorn(hello_port, "bench.hello.wsgi:application")
        try:
            rows, ceilings = ratio_table(
                chosen,
                portal=(portal_port, portal),
                hello=(hello_port, hello),
                seconds=args.ratio_seconds,
                concurrency=args.concurrency,
            )
        finally:
            stop_gunicorn(hello)
    finally:
        stop_gunicorn(portal)
    print_ratio_table(rows, ceilings, args.ratio_seconds, args.concurrency)
    return rows


# --- The run -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.core import measure

    print(
        f"Benchmark on {connection.vendor} database {settings.DATABASES['default']['NAME']!r}, "
        f"scale {args.scale}, {args.repeat} timed requests per page"
    )
    started = time.monotonic()
    # A failing page shows as status 500 in its table; its traceback would drown the report.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    call_command("compile_translations", verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    # Production static files (hashed names + manifest), as gunicorn serves them.
    call_command("collectstatic", interactive=False, verbosity=0)
    ctx = make_context(args.scale)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    modules = discover(only)
    if not modules:
        print(f"no benchmark module matches --only {args.only!r}")
        return 2

    failures: list[str] = []
    all_results: list[Any] = []
    load_pages: list[Any] = []
    memory: list[tuple[str, int, int, int]] = []
    ratio_pages: list[Any] = []
    for module in modules:
        name = getattr(module, "NAME", module.__name__.rsplit(".", 1)[1])
        print(f"\n== {name}")
        try:
            t0 = time.monotonic()
            module_ctx = module_context(module, ctx)
            module.seed(module_ctx)
            analyze()
            print(f"  seeded in {time.monotonic() - t0:.1f} s")
            pages = module.pages(module_ctx)
            if args.ratio_only:
                pages = [p for p in pages if p.name in RATIO_PAGES]
        except Exception:
            print(f"!! {name}: seeding or listing pages failed:\n{traceback.format_exc()}")
            failures.append(f"{name}: seed/pages error")
            continue
        client = signed_in_client(module_ctx)
        for page in pages:
            page.session_cookie = session_cookie(client)
        results = []
        for page in pages:
            try:
                # Whole-table exports without a time target: a few runs tell their time.
                untimed_export = page.streaming and page.target_p95_ms is None
                repeat = min(args.repeat, 3) if untimed_export else args.repeat
                results.append(measure(client, page, repeat=repeat))
            except Exception as exc:
                print(f"!! {name}: {page.name} ({page.url}) raised {exc!r}")
                failures.append(f"{name}: {page.name} raised")
        if results:
            print_table(f"{name}: server time in process (test client, signed in)", results)
        all_results += results
        failures += [
            f"{name}: {r.page.name} {verdict(r)}" for r in results if verdict(r).startswith("FAIL")
        ]
        gets = [
            r.page
            for r in results
            if r.page.method == "GET"
            and not r.page.streaming
            and r.page.before is None  # in-process only
            and r.status == 200
        ]
        load_pages += gets[:2]
        ratio_pages += [p for p in pages if p.name in RATIO_PAGES]
        for page in pages:
            if page.streaming and not args.ratio_only:
                try:
                    baseline, peak, size = peak_rss(client, page)
                except Exception as exc:
                    print(f"!! {name}: {page.name}: memory run raised {exc!r}")
                    continue
                memory.append((f"{name}: {page.name}", baseline, peak, size))

    if memory:
        print("\nPeak memory (RSS) while streaming exports to the end:")
        for label, baseline, peak, size in memory:
            print(
                f"  {label:<48} {size / 1024:>9.0f} KiB sent, RSS {baseline / 1024:.0f} -> "
                f"{peak / 1024:.0f} MiB (+{(peak - baseline) / 1024:.1f} MiB)"
            )

    if not args.no_throughput and load_pages and not args.ratio_only:
        try:
            load = throughput(ctx, load_pages, args)
            if load is not None and load.errors:
                failures.append(f"throughput: {load.errors} error responses")
        except Exception:
            print(f"!! throughput run failed:\n{traceback.format_exc()}")
            failures.append("throughput run failed")

    if not args.no_throughput and ratio_pages:
        try:
            rows = ratios(ratio_pages, args)
            failures += [
                f"ratio: {r.name} {r.verdict}" for r in rows if r.verdict.startswith("FAIL")
            ]
        except Exception:
            print(f"!! ratio run failed:\n{traceback.format_exc()}")
            failures.append("ratio run failed")

    print(
        f"\n{len(all_results)} pages measured in {time.monotonic() - started:.0f} s; "
        f"{len(failures)} problem(s)"
    )
    for failure in failures:
        print(f"  - {failure}")
    return 1 if (failures and args.strict) else 0
