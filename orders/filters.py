"""The order list's search, filters and sort: one form used by the list, saved reports and exports.

Bad input never reaches the database: an invalid field is reported on the form
and simply not applied, so the page still answers (with a clear message).
"""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from orders.models import OPEN_STATUSES, OrderStatus
from portal.models import Company, Country, Site

OPEN = "open"
STATUS_CHOICES = [("", _("All statuses")), (OPEN, _("All open orders")), *OrderStatus.choices]

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
FIELDS = ("q", "status", "date_from", "date_to", "country", "site", "sort")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Order, PO, part or tracking number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    date_from = forms.DateField(
        label=_("Ordered from"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label=_("Ordered until"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    site = forms.ChoiceField(label=_("Ship-to site"), required=False)
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, data: Any = None, *, company: Company, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.company = company
        # One small query each, reused for the choices and the validation (a site of
        # another company is simply not a choice: a form error, never data).
        countries = list(Country.objects.only("id", "code", "name", "name_fr"))
        self.country_ids = {country.code: country.pk for country in countries}
        named = sorted((country.localized_name(), country.code) for country in countries)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, name) for name, code in named
        ]
        sites = list(
            Site.objects.for_company(company).order_by("name").values_list("id", "name", "city")
        )
        self.fields["site"].choices = [("", _("All sites"))] + [
            (str(pk), f"{name} ({city})" if city else name) for pk, name, city in sites
        ]
        self.fields["date_from"].error_messages["invalid"] = _("Enter a valid date (YYYY-MM-DD).")
        self.fields["date_to"].error_messages["invalid"] = _("Enter a valid date (YYYY-MM-DD).")

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

    @property
    def valid_data(self) -> dict[str, Any]:
        """The fields that passed validation (an invalid one is reported, not applied)."""
        if self.data is None or not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    @property
    def sort_key(self) -> str:
        return self.valid_data.get("sort") or DEFAULT_SORT

    def apply(self, queryset: QuerySet) -> QuerySet:
        data = self.valid_data
        if data.get("q"):
            queryset = queryset.search(data["q"], company=self.company)
        status = data.get("status")
        if status == OPEN:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif status:
            queryset = queryset.filter(status=status)
        if data.get("date_from"):
            queryset = queryset.filter(ordered_on__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(ordered_on__lte=data["date_to"])
        if data.get("country"):
            queryset = queryset.filter(country_id=self.country_ids[data["country"]])
        if data.get("site"):
            queryset = queryset.filter(ship_to_id=int(data["site"]))
        return queryset.order_by(*SORTS[self.sort_key])

    def query_string(self, *, with_sort: bool = True) -> str:
        """The valid filters as a query string: what a custom report saves."""
        data = self.valid_data
        pairs = []
        for name in FIELDS:
            value = data.get(name)
            if name == "sort" and not with_sort:
                continue
            if value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            pairs.append((name, value))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(self.query_string(with_sort=False))
