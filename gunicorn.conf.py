"""gunicorn settings of the web tier (read from the working directory; the image's CMD
names it). Command-line options still override these.

- X-Forwarded-Proto/-For are believed only from FORWARDED_ALLOW_IPS (comma-separated
  addresses of the TLS proxy; default 127.0.0.1): from anywhere else the scheme stays
  what the connection is, so a client cannot claim HTTPS.
- No `Server` banner naming the software.
- Workers and threads: GUNICORN_WORKERS (2) and GUNICORN_THREADS (1), below.
"""

import os

from gunicorn.http import wsgi

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

_default_headers = wsgi.Response.default_headers


def _headers_without_server_banner(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _headers_without_server_banner

# Workers for a 2-core machine, measured with `make bench` (README, "Serving"): one sync
# process per core. A signed-in page is ~20 ms of Python for ~1 ms of PostgreSQL and
# Redis round trips, so threads (gthread, GUNICORN_THREADS > 1) have little idle time
# to fill: they left the CPU per request unchanged and raised the bare-Django ceiling
# far more than the pages. More processes than cores only add memory.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Each worker keeps a psycopg 3 pool with a connection per thread (portal.settings reads
# it when a worker loads the application, after the fork).
os.environ.setdefault("DB_POOL_SIZE", str(threads))
