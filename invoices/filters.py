"""The invoice list, declared once: its search, filters and sort (a FilterSet of
portal.listing, also used by the exports) and its page (`INVOICES`)."""

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from invoices.models import ApprovalStatus, Invoice, PaymentStatus
from invoices.selectors import currencies_of, with_dispute
from portal.listing import DateInput, Export, ListFilterSet, ListSpec

SORTS = {
    "number": ("number", "id"),
    "-number": ("-number", "-id"),
    "issue_date": ("issue_date", "id"),
    "-issue_date": ("-issue_date", "-id"),
    "due_date": ("due_date", "id"),
    "-due_date": ("-due_date", "-id"),
    "total": ("total", "id"),
    "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-issue_date"


def _unindexed(key: str) -> Any:
    field = key.lstrip("-")
    if field == "id":
        return key
    expression = Coalesce(F(field), F(field))
    return expression.desc() if key.startswith("-") else expression.asc()


def _dates(label: Any, field: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name=field, lookup_expr=lookup, widget=DateInput()
    )


def _amount(label: Any, lookup: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=label, field_name="total", lookup_expr=lookup, max_digits=14, decimal_places=2
    )


class InvoiceFilter(ListFilterSet):
    """An invalid field is ignored (with its error shown), never a 500."""

    sorts = SORTS
    default_sort = DEFAULT_SORT

    q = django_filters.CharFilter(
        label=_("Invoice, PO or order number"), method="search", max_length=60
    )
    payment = django_filters.ChoiceFilter(
        label=_("Payment status"),
        field_name="payment_status",
        choices=PaymentStatus.choices,
        empty_label=_("All"),
    )
    approval = django_filters.ChoiceFilter(
        label=_("Approval status"),
        choices=ApprovalStatus.choices,
        empty_label=_("All"),
        method="approval_state",
    )
    issued_from = _dates(_("Issued from"), "issue_date", "gte")
    issued_to = _dates(_("Issued until"), "issue_date", "lte")
    due_from = _dates(_("Due from"), "due_date", "gte")
    due_to = _dates(_("Due until"), "due_date", "lte")
    amount_min = _amount(_("Total from"), "gte")
    amount_max = _amount(_("Total up to"), "lte")
    currency = django_filters.ChoiceFilter(label=_("Currency"), empty_label=_("All"))

    class Meta:
        model = Invoice
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currencies = currencies_of(self.company) if self.company is not None else []
        self.filters["currency"].extra["choices"] = [(c, c) for c in currencies]

    def search(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet[Invoice]:
        q = value.strip()
        if not q:
            return queryset
        cond = Q()
        for term in {q, q.upper()}:
            cond |= (
                Q(number__startswith=term)
                | Q(po_number__startswith=term)
                | Q(order_number__startswith=term)
            )
        return queryset.filter(cond)

    def approval_state(
        self, queryset: QuerySet[Invoice], name: str, value: str
    ) -> QuerySet[Invoice]:
        if value == ApprovalStatus.DISPUTED:
            return with_dispute(queryset).filter(is_disputed=True)
        return with_dispute(queryset).filter(approval_status=value, is_disputed=False)

    def ordering(self) -> tuple[Any, ...]:
        order = super().ordering()
        data = getattr(self.form, "cleaned_data", None) if self.is_bound else None
        if data and "q" not in self.form.errors and (data.get("q") or "").strip():
            # A search matches few rows, but PostgreSQL misjudges LIKE prefixes and would
            # walk the sort's index filtering row by row; an expression sort makes it fetch
            # the matches through the search indexes and sort just those.
            order = tuple(_unindexed(key) for key in order)
        return order


INVOICES = ListSpec(
    filterset=InvoiceFilter,
    results_id="results",
    count_text=ngettext_lazy(
        "%(counter)s invoice selected", "%(counter)s invoices selected", "counter"
    ),
    export_url="invoices:export",
    exports=(
        Export("CSV", "csv"),
        Export(_("Excel (XLSX)"), "xlsx"),
        Export(_("CSV, one row per line"), "csv", (("lines", "1"),)),
        Export(_("Excel, one row per line"), "xlsx", (("lines", "1"),)),
    ),
)
