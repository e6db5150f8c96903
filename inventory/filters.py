"""The inventory list, declared once: its search, filters and sort (a FilterSet of
portal.listing, also used by the exports) and its page (`ITEMS`)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from inventory.models import Coverage, InstalledItem, Kind
from portal.listing import ListFilterSet, ListSpec
from portal.models import Site

SORTS = {
    "site": ("site_id", "pk"),
    "-site": ("-site_id", "-pk"),
    "serial": ("serial_number", "pk"),
    "-serial": ("-serial_number", "-pk"),
    "type": ("machine_type", "model", "pk"),
    "-type": ("-machine_type", "-model", "-pk"),
    "product": ("product", "version", "pk"),
    "-product": ("-product", "-version", "-pk"),
    "installed": ("installed_on", "pk"),
    "-installed": ("-installed_on", "-pk"),
    "warranty": ("warranty_end", "pk"),
    "-warranty": ("-warranty_end", "-pk"),
}
FILTERS = ("q", "kind", "coverage", "lease_ending")  # besides the site


class CheckboxFilter(django_filters.Filter):
    """A check box: ticked narrows the list, unticked does not filter."""

    field_class = forms.BooleanField


class ItemFilter(ListFilterSet):
    sorts = SORTS
    default_sort = "site"

    q = django_filters.CharFilter(
        label=_("Serial number, machine type, model or product"), method="search", max_length=100
    )
    site = django_filters.ModelChoiceFilter(
        label=_("Site"), queryset=Site.objects.none(), empty_label=_("All sites")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("Hardware and software")
    )
    coverage = django_filters.ChoiceFilter(
        label=_("Maintenance"),
        choices=Coverage.choices,
        empty_label=_("Any maintenance status"),
        method="covered",
    )
    lease_ending = CheckboxFilter(label=_("Lease ending within 90 days"), method="leasing")

    class Meta:
        model = InstalledItem
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = Site.objects.for_company(self.company)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)

    def covered(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.coverage(value)

    def leasing(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.lease_ending() if value else queryset

    def known_count(self, counts: dict[int, int]) -> int | None:
        """Unfiltered, or filtered by site alone, the per-site counts already say how many
        items the list holds: no second COUNT over the installed base. None: count it."""
        if not self.is_bound:
            return sum(counts.values())
        data = self.form.cleaned_data if self.form.is_valid() else None
        if data is None or any(data.get(name) for name in FILTERS):
            return None
        return counts.get(data["site"].pk, 0) if data.get("site") else sum(counts.values())


ITEMS = ListSpec(
    filterset=ItemFilter,
    results_id="item-results",
    count_text=ngettext_lazy("%(counter)s item", "%(counter)s items", "counter"),
    export_url="inventory:home",
    page_size=50,
)
