"""The order list, declared once: its search, filters and sort (a FilterSet of
portal.listing, also used by saved reports and exports) and its page (`ORDERS`).

Bad input never reaches the database: an invalid field is reported on the form
and simply not applied, so the page still answers (with a clear message).
"""

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from orders.models import OPEN_STATUSES, Order, OrderStatus
from portal.listing import DateInput, ListFilterSet, ListSpec
from portal.models import Country, Site
from portal.pagination import IdsFirstPaginator

OPEN = "open"
STATUS_CHOICES = [(OPEN, _("All open orders")), *OrderStatus.choices]

# Every sort is served by an index of Order.Meta; the country name is not (it needs a
# join and a sort of the whole selection), so the country column filters but does not sort.
SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number", "id"),
    "-number": ("-number", "-id"),
    "po": ("customer_po", "id"),
    "-po": ("-customer_po", "-id"),
    "ordered_on": ("ordered_on", "id"),
    "-ordered_on": ("-ordered_on", "-id"),
    "status": ("status", "-ordered_on", "-id"),
    "-status": ("-status", "-ordered_on", "-id"),
    "total": ("total", "id"),
    "-total": ("-total", "-id"),
}
DEFAULT_SORT = "-ordered_on"
MIN_DATE = datetime.date(2000, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
DATE_INVALID = _("Enter a valid date (YYYY-MM-DD).")


class OrderDatesForm(forms.Form):
    """The checks across fields: dates within range, and in order."""

    def _clean_date(self, name: str) -> datetime.date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not (MIN_DATE <= value <= MAX_DATE):
            raise forms.ValidationError(
                _("Enter a date between %(start)s and %(end)s."),
                code="out_of_range",
                params={"start": MIN_DATE.isoformat(), "end": MAX_DATE.isoformat()},
            )
        return value

    def clean_date_from(self) -> datetime.date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _date_filter(label: Any, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name="ordered_on",
        lookup_expr=lookup,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_INVALID},
    )


class OrderFilter(ListFilterSet):
    sorts = SORTS
    default_sort = DEFAULT_SORT

    q = django_filters.CharFilter(
        label=_("Order, PO, part or tracking number"),
        method="search",
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("All statuses"), method="state"
    )
    date_from = _date_filter(_("Ordered from"), "gte")
    date_to = _date_filter(_("Ordered until"), "lte")
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=_("All countries"), method="in_country"
    )
    site = django_filters.ChoiceFilter(
        label=_("Ship-to site"), empty_label=_("All sites"), field_name="ship_to_id"
    )

    class Meta:
        model = Order
        fields: list[str] = []
        form = OrderDatesForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One small query each, reused for the choices and the validation (a site of
        # another company is simply not a choice: a form error, never data).
        named = sorted((country.localized_name(), country.code) for country in self.countries)
        self.filters["country"].extra["choices"] = [(code, name) for name, code in named]
        sites = Site.objects.for_company(self.company).order_by("name")
        self.filters["site"].extra["choices"] = [
            (str(pk), f"{name} ({city})" if city else name)
            for pk, name, city in sites.values_list("id", "name", "city")
        ]

    @cached_property
    def countries(self) -> list[Country]:
        return list(Country.objects.only("id", "code", "name", "name_fr"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value, company=self.company)

    def state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def in_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ids = {country.code: country.pk for country in self.countries}
        return queryset.filter(country_id=ids[value])


class CappedPaginator(IdsFirstPaginator):
    """Pages of a selection counted up to CAP rows: an exact COUNT of 100,000 orders costs
    more than the page itself, and nobody pages that far (they filter or export)."""

    cap = 10_000

    def __init__(self, object_list: QuerySet, per_page: int, count_queryset: QuerySet) -> None:
        super().__init__(object_list, per_page)
        self.count_queryset = count_queryset

    @cached_property
    def total(self) -> int:
        return self.count_queryset.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.total, self.cap)

    @property
    def capped(self) -> bool:
        return self.total > self.cap


ORDERS = ListSpec(
    filterset=OrderFilter,
    results_id="order-results",
    count_text=ngettext_lazy("%(counter)s order", "%(counter)s orders", "counter"),
    export_url="orders:export",
)
