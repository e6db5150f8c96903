"""Reads of list and detail pages from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Enabled only when DATABASE_REPLICA_URL is set (settings add the "replica" alias, the
router and the middleware). Then:

- a GET or HEAD of a list or detail page (URL names `list`, `detail`, `*_list`,
  `*_detail`) reads the business applications' tables from the replica;
- everything else reads and writes the primary: other pages, every form post, the
  worker, beat, management commands, and always the tables the gate and the sign-in
  depend on (users, sessions, memberships, authorizations, the second factor), so a
  revoked right or a sign-out is never undone by a lagging copy;
- read-your-writes: a user who has just posted anything reads the primary for
  DATABASE_REPLICA_PIN_SECONDS, on every node (the mark is in the shared cache), so a
  new request, an approval or a signature is never missing from the next page;
- the replica is used only while it is reachable and no more than
  DATABASE_REPLICA_MAX_LAG seconds behind the primary (checked at most once a second
  per process); otherwise every read goes to the primary, and pages keep working.
"""

import contextvars
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# Tables read on the primary whatever the page: the gate, sign-in, sessions, agents.
PRIMARY_ONLY_APPS = frozenset(
    {"portal", "auth", "sessions", "contenttypes", "admin", "account", "mfa", "socialaccount"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CHECK_EVERY = 1.0  # seconds between two lag checks of a healthy replica, per process
RETRY_AFTER_ERROR = 5.0  # seconds before a replica that failed is tried again

_reads_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reads_from_replica", default=False
)


def enabled() -> bool:
    return REPLICA in settings.DATABASES


class _Health:
    """The replica's state as this process last saw it: "unknown", "in use", "lagging"
    or "unreachable" (each change is logged once)."""

    state = "unknown"
    checked_until = 0.0
    lag: float | None = None


def _measure_lag() -> float:
    """Seconds the replica's replay is behind the primary (0 when it has replayed all
    the primary has written; the age of its last replayed commit otherwise)."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        primary_lsn = cursor.fetchone()[0]
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()), "
            "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
            [primary_lsn],
        )
        behind_bytes, since_last_replay = cursor.fetchone()
    if behind_bytes is None:  # not a standby (promoted): it is the primary's equal
        return 0.0
    if behind_bytes <= 0:
        return 0.0
    return float(since_last_replay) if since_last_replay is not None else float("inf")


def _enter(state: str, **extra: object) -> None:
    if state != _Health.state:
        messages = {
            "in use": "replica in use",
            "lagging": "replica lagging: reading the primary",
            "unreachable": "replica unreachable: reading the primary",
        }
        log.warning(messages[state], extra=extra)
    _Health.state = state


def replica_usable() -> bool:
    now = time.monotonic()
    if now < _Health.checked_until:
        return _Health.state == "in use"
    try:
        lag = _measure_lag()
    except Exception as exc:
        connections[REPLICA].close()
        _Health.lag = None
        _Health.checked_until = now + RETRY_AFTER_ERROR
        _enter("unreachable", error=str(exc)[:300])
        return False
    _Health.lag = lag
    _Health.checked_until = now + CHECK_EVERY
    _enter("in use" if lag <= settings.DATABASE_REPLICA_MAX_LAG else "lagging", lag_seconds=lag)
    return _Health.state == "in use"


def _pin_key(user_pk: int) -> str:
    return f"db-pin:{user_pk}"


def pin_to_primary(user_pk: int) -> None:
    """The user has just written: their next pages read the primary, on every node."""
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    try:
        caches["limits"].set(_pin_key(user_pk), 1, seconds)
    except Exception:  # no shared cache: the lag bound still protects
        log.warning("could not record a write for read-your-writes", exc_info=True)


def _pinned(user_pk: int) -> bool:
    try:
        return caches["limits"].get(_pin_key(user_pk)) is not None
    except Exception:  # cannot tell: the primary is always right
        return True


def _list_or_detail(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match is not None else ""
    return name in {"list", "detail"} or name.endswith(("_list", "_detail"))


class ReplicaReadsMiddleware:
    """Decides, per request, whether list and detail reads may go to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.set(False)
            user = getattr(request, "user", None)
            if request.method not in SAFE_METHODS and user is not None and user.is_authenticated:
                pin_to_primary(user.pk)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        _reads_from_replica.set(
            request.method in {"GET", "HEAD"}
            and _list_or_detail(request)
            and user is not None
            and user.is_authenticated
            and not _pinned(user.pk)
            and replica_usable()
        )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
