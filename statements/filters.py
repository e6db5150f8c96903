"""The statement page's list, declared once: its period, search, filters and sort (a
FilterSet of portal.listing) and its page (`STATEMENT`).

The lines are read by statements.ledger in SQL (the running balance needs the whole
account in date order), so the filters here check and carry the user's choices and
`statement_query()` hands them to the ledger; `qs` applies the same filters to the
ledger entries for any other reader.
"""

from typing import Any

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.listing import DateInput, ListFilterSet, ListSpec
from statements.ledger import DEFAULT_SORT, SORTS, StatementQuery
from statements.models import LedgerEntry
from statements.periods import (
    DEFAULT_PRESET,
    EARLIEST,
    MAX_SPAN_DAYS,
    PRESETS,
    Period,
    preset_period,
)

STATUS_CHOICES = [
    (LedgerEntry.Status.OPEN, _("Open (unpaid invoices, unapplied credit)")),
    (LedgerEntry.Status.PAID, _("Paid, applied or received")),
    (LedgerEntry.Status.PENDING, _("Pending payments")),
]
SORT_LABELS = {
    "date": _("Date"),
    "type": _("Type"),
    "number": _("Number"),
    "due": _("Due date"),
    "debit": _("Debit"),
    "credit": _("Credit"),
    "status": _("Status"),
}
PAGE_SIZE = 50


class PeriodForm(forms.Form):
    """The period's checks: a preset, or two dates in order within the allowed span."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def clean(self) -> dict:
        data = super().clean()
        preset = data.get("period") or ""
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if preset == "custom" or (not preset and (start or end)):
            if not (start and end):
                raise forms.ValidationError(
                    _("Enter both a start date and an end date."), code="incomplete"
                )
            if end < start:
                raise forms.ValidationError(
                    _("The end date is before the start date."), code="inverted"
                )
            if start < EARLIEST or end.year > self.today.year + 1:
                raise forms.ValidationError(
                    _("Choose dates between 1 January 1990 and the end of next year."),
                    code="out_of_range",
                )
            if (end - start).days > MAX_SPAN_DAYS:
                raise forms.ValidationError(
                    _("A statement covers at most ten years."), code="too_long"
                )
            data["period_obj"] = Period(start, end, "custom")
        else:
            data["period_obj"] = preset_period(preset or DEFAULT_PRESET, self.today)
        return data

    @property
    def chosen_period(self) -> Period:
        """The period read: it ends today at the latest, so the closing balance is never
        dated after the position date (a later document belongs to a later statement)."""
        period = self.cleaned_data["period_obj"]
        if period.start <= self.today < period.end:
            return Period(period.start, self.today, period.preset)
        return period


class StatementFilter(ListFilterSet):
    """An unknown sort is not an error: the statement falls back to date order."""

    sorts = {key: () for key in SORTS} | {f"-{key}": () for key in SORTS}
    default_sort = DEFAULT_SORT

    period = django_filters.ChoiceFilter(
        label=_("Period"), choices=PRESETS, empty_label=None, method="in_period"
    )
    start = django_filters.DateFilter(label=_("From"), widget=DateInput(), method="in_period")
    end = django_filters.DateFilter(label=_("To"), widget=DateInput(), method="in_period")
    q = django_filters.CharFilter(
        label=_("Number or reference"), max_length=50, strip=True, method="search"
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="kind",
        choices=LedgerEntry.Kind.choices,
        empty_label=_("All types"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("All statuses")
    )

    class Meta:
        model = LedgerEntry
        fields: list[str] = []
        form = PeriodForm

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(self._applied(data), *args, **kwargs)

    @staticmethod
    def _applied(data: Any) -> QueryDict:
        """The form shows the period that is applied: no period means the default preset,
        dates without a period mean custom dates. A search then resubmits that period."""
        data = QueryDict(mutable=True) if data is None else data.copy()
        if not data.get("period"):
            data["period"] = "custom" if (data.get("start") or data.get("end")) else DEFAULT_PRESET
        return data

    def in_period(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if name != "period":
            return queryset  # the dates are read with the period (PeriodForm)
        period = self.form.chosen_period
        return queryset.filter(date__gte=period.start, date__lte=period.end)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(number__icontains=value) | Q(reference__icontains=value))

    def statement_query(self, *, company_id: int, account_id: int, currency: str) -> Any:
        """The ledger's query for these choices (the form must be valid)."""
        data = self.form.cleaned_data
        period = self.form.chosen_period
        return StatementQuery(
            company_id=company_id,
            account_id=account_id,
            currency=currency,
            start=period.start,
            end=period.end,
            q=data.get("q") or "",
            kind=data.get("type") or "",
            status=data.get("status") or "",
            sort=self.sort_key,
        )

    @property
    def sort_label(self) -> Any:
        return SORT_LABELS.get(self.sort_key.lstrip("-"), "")


STATEMENT = ListSpec(
    filterset=StatementFilter,
    results_id="statement-results",
    count_text=ngettext_lazy("%(counter)s line", "%(counter)s lines", "counter"),
    page_size=PAGE_SIZE,
    paginator=Paginator,  # the ledger's lines (not a queryset): OFFSET in its SQL
)
