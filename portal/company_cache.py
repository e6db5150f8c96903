"""Aggregates over a company's whole business, kept a short while and dropped on change.

Home figures and list totals sum or count 100,000 invoices or a 300,000-entry ledger.
`company_cached` keeps such a result COMPANY_CACHE_SECONDS (60 s) under a key that
carries the company's version; any row of the company saved or deleted (post_save /
post_delete of a model with a company_id, on commit) bumps that version, so a change
made through the portal shows on the next page at once. Only bulk updates that skip
the model signals wait for the minute to pass. With the cache unavailable (Redis
down) the value is simply computed.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def _version_key(company_id: int) -> str:
    return f"company-version:{company_id}"


def company_cached(company_id: int, name: str, compute: Callable[[], T]) -> T:
    """compute(), or what it returned for this company and name less than a minute ago
    and before any change to the company's rows. `name` must say everything the value
    depends on besides the company (user, language, filters)."""
    seconds = settings.COMPANY_CACHE_SECONDS
    if not seconds:
        return compute()
    version = cache.get(_version_key(company_id), 0)
    key = f"company-cache:{company_id}:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def selection_key(request: Any) -> str:
    """A list's filters in the request (not its page, sort or download switches) as a short
    stable key for `company_cached` names."""
    params = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if key not in ("page", "sort", "format", "fmt")
        for value in values
    )
    return hashlib.sha256(urlencode(params).encode()).hexdigest()[:32]


def company_changed(company_id: int) -> None:
    """Whatever company_cached kept for the company is computed again on next use."""
    key = _version_key(company_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # cache unavailable: kept values expire with their minute
        pass


def company_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver for every model: rows that belong to a company."""
    company_id = getattr(instance, "company_id", None)
    if isinstance(company_id, int):
        transaction.on_commit(lambda: company_changed(company_id))
