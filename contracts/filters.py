"""The list's search, filters and whitelisted sort."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractStatus, ContractType

SORTS = {
    "number": "number",
    "-number": "-number",
    "title": "title",
    "-title": "-title",
    "end": "end_date",
    "-end": "-end_date",
    "value": "value",
    "-value": "-value",
    "status": "status",
    "-status": "-status",
    "updated": "updated_at",
    "-updated": "-updated_at",
}
DEFAULT_SORT = "-end"


class ContractFilter(django_filters.FilterSet):
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
