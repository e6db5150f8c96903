"""The statement's GET form: period, search, filters and sort (shape checks only)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from statements.ledger import DEFAULT_SORT, SORTS
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
    ("", _("All statuses")),
    (LedgerEntry.Status.OPEN, _("Open (unpaid invoices, unapplied credit)")),
    (LedgerEntry.Status.PAID, _("Paid, applied or received")),
    (LedgerEntry.Status.PENDING, _("Pending payments")),
]
TYPE_CHOICES = [("", _("All types")), *LedgerEntry.Kind.choices]
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatementFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Number or reference"), max_length=50, required=False, strip=True)
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, today: date, **kwargs):
        super().__init__(self._applied(data), *args, **kwargs)
        self.today = today

    @staticmethod
    def _applied(data):
        """The form shows the period that is applied: no period means the default preset,
        dates without a period mean custom dates. A search then resubmits that period."""
        if data is None or data.get("period"):
            return data
        data = data.copy()
        data["period"] = "custom" if (data.get("start") or data.get("end")) else DEFAULT_PRESET
        return data

    def clean_sort(self) -> str:
        """An unknown sort is not an error: the statement falls back to date order."""
        value = self.cleaned_data.get("sort") or DEFAULT_SORT
        return value if value in dict(SORT_CHOICES) else DEFAULT_SORT

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
