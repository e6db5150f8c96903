"""Order reports: the standard ones, custom (saved) ones, and the one column definition
that feeds the report page, CSV, XLSX, PDF and e-mailed files.

A report is addressed by a key: a standard report's slug or a saved report's id.
Resolving it always starts from the company-scoped querysets, so another company's
report (or a colleague's private one) resolves to nothing, i.e. a 404.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.exports import LINE_COLUMNS, ORDER_COLUMNS
from orders.filters import OrderFilter
from orders.models import LineStatus, Order, OrderLine, SavedReport
from portal.exports import Column
from portal.models import Company, User

PAGE_LIMIT = 500
"""Rows shown on the report page and in its PDF; CSV and XLSX carry every row."""


def _today() -> datetime.date:
    return timezone.localdate()


def _open_orders(company: Company) -> QuerySet:
    return Order.objects.for_company(company).open().order_by("-ordered_on", "-id")


def _shipped_30(company: Company) -> QuerySet:
    since = _today() - datetime.timedelta(days=30)
    return Order.objects.for_company(company).shipped_since(since).order_by("-ordered_on", "-id")


def _back_ordered(company: Company) -> QuerySet:
    return (
        OrderLine.objects.for_company(company)
        .filter(status=LineStatus.BACK_ORDERED)
        .select_related("order")
        .order_by("planned_delivery_on", "order__number", "position", "id")
    )


def _delivered_month(company: Company) -> QuerySet:
    today = _today()
    return (
        Order.objects.for_company(company)
        .delivered_between(today.replace(day=1), today)
        .order_by("-ordered_on", "-id")
    )


@dataclass(frozen=True)
class Standard:
    key: str
    title: Any
    description: Any
    build: Callable[[Company], QuerySet]
    kind: str = "orders"


STANDARD_REPORTS = {
    r.key: r
    for r in [
        Standard(
            "open-orders",
            _("Open orders"),
            _("Every order not yet delivered or cancelled."),
            _open_orders,
        ),
        Standard(
            "shipped-last-30-days",
            _("Shipped in the last 30 days"),
            _("Orders with a parcel shipped in the last 30 days."),
            _shipped_30,
        ),
        Standard(
            "back-ordered-lines",
            _("Back-ordered lines"),
            _("Order lines waiting for stock, by planned delivery date."),
            _back_ordered,
            kind="lines",
        ),
        Standard(
            "delivered-this-month",
            _("Delivered this month"),
            _("Orders delivered since the first day of this month."),
            _delivered_month,
        ),
    ]
}


@dataclass
class Report:
    key: str
    title: Any
    kind: str
    queryset: QuerySet
    saved: SavedReport | None = None
    description: Any = ""
    errors: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[Column]:
        return LINE_COLUMNS if self.kind == "lines" else ORDER_COLUMNS

    @property
    def numeric_columns(self) -> set[int]:
        """Column positions shown right-aligned (quantity, total)."""
        return {5} if self.kind == "lines" else {7}

    def rows_queryset(self) -> QuerySet:
        if self.kind == "lines":
            return self.queryset
        return self.queryset.for_listing()

    def version(self) -> str:
        """Changes whenever the selection's data changes (live data: PDFs are not reused stale)."""
        field_name = "order__updated_at" if self.kind == "lines" else "updated_at"
        stats = self.queryset.order_by().aggregate(latest=Max(field_name), count=Count("id"))
        latest = stats["latest"].isoformat() if stats["latest"] else "-"
        raw = f"{self.key}|{self.saved.query if self.saved else ''}|{_today()}|{latest}|{stats['count']}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def filename(self) -> str:
        return f"orders-report-{self.key}-{_today().isoformat()}"


def saved_report_queryset(company: Company, query: str) -> tuple[QuerySet, OrderFilter]:
    queryset = Order.objects.for_company(company)
    filterset = OrderFilter(QueryDict(query), queryset=queryset, company=company)
    return filterset.qs, filterset


def resolve_report(company: Company, user: User, key: str) -> Report:
    """The report `key` as `user` of `company` may see it, or Http404."""
    standard = STANDARD_REPORTS.get(key)
    if standard is not None:
        return Report(
            key=key,
            title=standard.title,
            kind=standard.kind,
            queryset=standard.build(company),
            description=standard.description,
        )
    if not key.isdigit() or len(key) > 18:
        raise Http404
    saved = SavedReport.objects.for_company(company).visible_to(user).filter(pk=int(key)).first()
    if saved is None:
        raise Http404
    queryset, form = saved_report_queryset(company, saved.query)
    errors = [str(e) for errs in form.errors.values() for e in errs] if form.errors else []
    return Report(
        key=key, title=saved.name, kind="orders", queryset=queryset, saved=saved, errors=errors
    )
