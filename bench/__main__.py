"""`python -m bench` (make bench): seed PostgreSQL, time every page, then load a real server.

    python -m bench                       # the sizes the issues ask for
    python -m bench --scale 0.1           # a quick run
    python -m bench --only orders,invoices
    python -m bench --ratio-only --ratio-seconds 3   # only the ratio table, quickly

The environment is prepared here, before Django loads its settings: PostgreSQL is
required (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench),
DEBUG stays off, and a throw-away SECRET_KEY is made up when none is set.
"""

import argparse
import os
import secrets
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1.0")),
        help="dataset size relative to the issues' figures (1.0; 0.1 for a quick run)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated modules, e.g. orders,invoices (default: all)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument(
        "--no-throughput", action="store_true", help="skip the gunicorn + load generator run"
    )
    parser.add_argument(
        "--duration", type=float, default=20.0, help="load generator time limit, seconds (20)"
    )
    parser.add_argument(
        "--requests", type=int, default=3000, help="load generator request limit (3000)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="load generator threads (8)")
    parser.add_argument(
        "--ratio-seconds",
        type=float,
        default=float(os.environ.get("BENCH_RATIO_SECONDS", "5")),
        help="closed-loop seconds per page and per ceiling measurement in the ratio table (5)",
    )
    parser.add_argument(
        "--ratio-only",
        action="store_true",
        help="only the ratio table's pages: no other page timed, no memory or mixed load run",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a page misses its target or errors"
    )
    return parser.parse_args(argv)


def prepare_environment() -> None:
    """Production-like settings for measuring: PostgreSQL, DEBUG off, quiet logs."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = DEFAULT_DATABASE_URL
        print(f"DATABASE_URL is not set: using {DEFAULT_DATABASE_URL}")
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on loopback
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    prepare_environment()
    from bench.runner import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
