"""What a statement shows, shared by the page, the PDF, the exports and the monthly e-mail."""

import hashlib
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Sum

from invoices.models import BillingAccount
from portal.company_cache import company_cached
from statements.ledger import (
    Ageing,
    StatementLines,
    StatementQuery,
    ageing,
    money,
    totals,
)
from statements.models import LedgerEntry

PDF_MAX_LINES = 2000


AGEING_CACHE_SECONDS = 600


def cached_ageing(query: StatementQuery, as_of: date, version: str) -> Ageing:
    """The ageing, computed once per account, currency, date and data version.

    Ageing reads the account's whole history (every invoice issued up to `as_of`),
    so paging, sorting and filtering the same statement reuse it. `version` comes
    from `totals()` (entry count, balances, latest change up to the period's end),
    so any new or changed document computes it again.
    """
    digest = hashlib.sha256(version.encode()).hexdigest()[:16]
    key = (
        f"statements:ageing:{query.company_id}:{query.account_id}:{query.currency}:{as_of}:{digest}"
    )
    result = cache.get(key)
    if result is None:
        result = ageing(query, as_of)
        cache.set(key, result, AGEING_CACHE_SECONDS)
    return result


def statement_document_context(
    query: StatementQuery, *, today: date, lines: bool
) -> dict[str, Any]:
    """Totals and ageing (and, for documents, the lines) of one statement."""
    period_totals = totals(query)
    as_of = min(query.end, today)
    context: dict[str, Any] = {
        "query": query,
        "totals": period_totals,
        "ageing": cached_ageing(query, as_of, period_totals.version),
        "as_of": as_of,
        "start": query.start,
        "end": query.end,
    }
    if lines:
        rows = StatementLines(query, period_totals.opening)
        context["lines"] = rows[0:PDF_MAX_LINES]
        context["line_count"] = (
            rows.count() if len(context["lines"]) == PDF_MAX_LINES else len(context["lines"])
        )
        context["truncated"] = context["line_count"] > PDF_MAX_LINES
        context["max_lines"] = PDF_MAX_LINES
    return context


def account_balances(company) -> list[dict[str, Any]]:
    """Each billing account with its balance per currency (two queries).

    Only balances: counting open invoices would compute what is open on every
    invoice of the company, too costly for a list that opens the application.
    """
    accounts = list(BillingAccount.objects.for_company(company).order_by("number"))
    sums = company_cached(
        company.pk,
        "statement-balances",
        lambda: list(
            LedgerEntry.objects.for_company(company)
            .values("billing_account_id", "currency")
            .annotate(balance=Sum("signed_amount"))
            .order_by("billing_account_id", "currency")
        ),
    )
    by_account: dict[int, list[dict[str, Any]]] = {}
    for row in sums:
        by_account.setdefault(row["billing_account_id"], []).append(
            {"currency": row["currency"], "balance": money(row["balance"])}
        )
    result = []
    for account in accounts:
        currencies = by_account.get(account.pk) or [
            {"currency": account.currency, "balance": money(0)}
        ]
        for entry in currencies:
            result.append({"account": account, **entry})
    return result
