"""The contract list, declared once: its search, filters and whitelisted sort (a
FilterSet of portal.listing), and the page (`CONTRACTS`, `NEEDS_ACTION`)."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from contracts.models import Contract, ContractStatus, ContractType
from portal.listing import ListFilterSet, ListSpec

# The tie-breaker follows the direction of the sort so one (company, field, id) index
# serves both directions.
SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "end": ("end_date", "id"),
    "-end": ("-end_date", "-id"),
    "value": ("value", "id"),
    "-value": ("-value", "-id"),
    "status": ("status", "id"),
    "-status": ("-status", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_SORT = "-end"


class ContractFilter(ListFilterSet):
    sorts = SORTS
    default_sort = DEFAULT_SORT

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ContractStatus.choices, empty_label=_("All statuses")
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=ContractType.choices, empty_label=_("All types")
    )
    end_from = django_filters.DateFilter(
        label=_("Ends from"),
        field_name="end_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_to = django_filters.DateFilter(
        label=_("Ends until"),
        field_name="end_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expiring_within = django_filters.NumberFilter(
        label=_("Expiring within (days)"), method="expiring", min_value=0, max_value=3650
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def expiring(self, queryset, name, value):
        days = int(value)
        today = timezone.localdate()
        return queryset.active().filter(
            end_date__gte=today, end_date__lte=today + timedelta(days=days)
        )


class NeedsActionFilter(ListFilterSet):
    """Contracts waiting for me: no filter, soonest end first."""

    sorts = {"end": ("end_date", "id")}
    default_sort = "end"

    class Meta:
        model = Contract
        fields: list[str] = []


COUNT = ngettext_lazy("%(counter)s contract", "%(counter)s contracts", "counter")
CONTRACTS = ListSpec(
    filterset=ContractFilter,
    results_id="contract-results",
    count_text=COUNT,
    export_url="contracts:export",
)
NEEDS_ACTION = ListSpec(
    filterset=NeedsActionFilter, results_id="contract-results", count_text=COUNT
)
