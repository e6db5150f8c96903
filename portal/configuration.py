"""Reading the environment with errors that name the variable.

A malformed value stops the process at start-up with one line such as
``DATABASE_URL: invalid value 'x' (...)`` instead of a stack trace at first request.
The readers here are stricter than django-environ's: ``DEBUG=maybe`` or a
``DATABASE_URL`` without a known scheme is an error, not a silent default.
"""

import logging
import os
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "sqlite"}
REDIS_SCHEMES = {"redis", "rediss", "unix"}
LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def env_or_exit(reader: Callable[..., Any], name: str, default: Any = _MISSING) -> Any:
    """Call `reader(name[, default=...])`; any failure becomes one ImproperlyConfigured line."""
    try:
        if default is _MISSING:
            if not os.environ.get(name):
                raise ImproperlyConfigured(f"{name}: this environment variable is required.")
            return reader(name)
        return reader(name, default=default)
    except ImproperlyConfigured as exc:
        message = str(exc)
        if message.startswith(f"{name}:"):
            raise
        raise ImproperlyConfigured(
            f"{name}: invalid value {os.environ.get(name)!r} ({message.strip() or 'not accepted'})"
        ) from None
    except Exception as exc:  # any parse error of environ's readers
        raise ImproperlyConfigured(
            f"{name}: invalid value {os.environ.get(name)!r} ({exc.__class__.__name__}: {exc})"
        ) from None


def strict_bool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no, on/off; anything else is an error (not False)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured("expected one of 1/0, true/false, yes/no, on/off")


def url_reader(schemes: set[str], *, need_host: bool = True) -> Callable[..., str]:
    """A reader accepting only URLs with one of `schemes` (and a host unless told)."""

    def read(name: str, default: str = "") -> str:
        raw = os.environ.get(name, default)
        if raw == "":
            return raw
        parts = urlsplit(raw)
        if parts.scheme.lower() not in schemes:
            raise ImproperlyConfigured(f"the scheme must be one of {', '.join(sorted(schemes))}")
        if need_host and parts.scheme.lower() not in {"sqlite", "unix"} and not parts.hostname:
            raise ImproperlyConfigured("the URL has no host")
        return raw

    return read


def email_address(name: str, default: str = "") -> str:
    """One e-mail address (`replies@portal.example.com`), or empty."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = os.environ.get(name, default).strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ImproperlyConfigured("expected one e-mail address") from None
    return value


def existing_file(name: str, default: str = "") -> str:
    """The path of a readable file, or empty."""
    value = os.environ.get(name, default).strip()
    if value and not os.access(value, os.R_OK):
        raise ImproperlyConfigured("no readable file at this path")
    return value


def string_object(keys: set[str]) -> Callable[..., dict[str, str]]:
    """A reader of a JSON object whose keys are among `keys` and whose values are strings."""

    def read(name: str, default: dict[str, str] | None = None) -> dict[str, str]:
        import json

        raw = os.environ.get(name, "").strip()
        if not raw:
            return dict(default or {})
        try:
            value = json.loads(raw)
        except ValueError:
            raise ImproperlyConfigured("expected a JSON object") from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ImproperlyConfigured("expected a JSON object of strings")
        if unknown := set(value) - keys:
            raise ImproperlyConfigured(
                f"unknown key {', '.join(sorted(unknown))}; known: {', '.join(sorted(keys))}"
            )
        return value

    return read


def database_url(name: str) -> dict[str, Any]:
    """DATABASE_URL parsed by django-environ, but only PostgreSQL or SQLite and a known engine."""
    import environ

    url_reader(DATABASE_SCHEMES)(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = environ.Env().db_url(name)
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured("no database engine or name could be read from it")
    return config


def log_level(name: str, default: str = "INFO") -> str:
    value = os.environ.get(name, default).strip().upper() or default
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(f"expected one of {', '.join(sorted(LOG_LEVELS))}")
    logging.getLevelName(value)
    return value


def network_list(name: str, default: str = "") -> list[str]:
    """Comma-separated IP addresses or networks (`10.0.0.5`, `172.16.0.0/12`), checked now."""
    import ipaddress

    raw = os.environ.get(name, default)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{item!r} is not an IP address or network") from None
    return items


def redis_caches(url: str, *, timeout: float = 2) -> dict[str, dict[str, Any]]:
    """The two caches on Redis and what each does when Redis cannot be reached.

    "default" (django-redis, IGNORE_EXCEPTIONS): reads miss, writes are dropped and
    add() answers False, so sessions (cached_db) and pages carry on while a lock that
    could not be taken is never granted. "limits": errors reach portal.ratelimits, which
    applies the failure mode each limit states (refuse or allow).
    """
    timeouts = {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout}
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {**timeouts, "IGNORE_EXCEPTIONS": True},
        },
        "limits": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": timeouts,
        },
    }


def json_mapping(name: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON object (e.g. per-country settings); anything else is an error naming the variable."""
    import json

    raw = os.environ.get(name, "").strip()
    if not raw:
        return dict(default or {})
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"not valid JSON: {exc.msg}") from None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ImproperlyConfigured('expected an object of objects, e.g. {"US": {"name": "..."}}')
    return value
