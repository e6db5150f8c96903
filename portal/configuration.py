"""Reading the environment with errors that name the variable.

A malformed value stops the process at start-up with one line such as
``DATABASE_URL: invalid value 'x' (...)`` instead of a stack trace at first request.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env_or_exit(reader: Callable[..., Any], name: str, default: Any = _MISSING) -> Any:
    import os

    try:
        if default is _MISSING:
            if not os.environ.get(name):
                raise ImproperlyConfigured(f"{name}: this environment variable is required.")
            return reader(name)
        return reader(name, default=default)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # any parse error of environ's readers
        raise ImproperlyConfigured(
            f"{name}: invalid value {os.environ.get(name)!r} ({exc.__class__.__name__}: {exc})"
        ) from None
