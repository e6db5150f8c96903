"""Where a page spends its time: `python -m bench.runner_profile URL [URL ...]`.

Signs in as the bench user (run `make bench` once to seed), requests each URL a few
times to warm the caches, then prints the page's cProfile (cumulative time) and its
SQL (count and total time), so a slow page shows whether the database or Python
(templates, forms, per-row work) is the cost.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.runner_profile /requests/
"""

import cProfile
import io
import pstats
import sys
import time

from bench.__main__ import prepare_environment


def main(argv: list[str]) -> int:
    limit = 35
    if argv and argv[0].startswith("--top="):
        limit = int(argv.pop(0).split("=", 1)[1])
    prepare_environment()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.runner import make_context, signed_in_client

    client = signed_in_client(make_context(1.0))
    for url in argv:
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url)
            total = (time.perf_counter() - t0) * 1000
        sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"\n== {url}: status {response.status_code}, {total:.1f} ms, "
            f"{len(queries)} queries, {sql:.1f} ms SQL"
        )
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"   {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(limit)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
