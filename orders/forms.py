"""Forms check the shape of input; rules live in orders.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import ReportFormat, ReportFrequency
from orders.services import MAX_RECIPIENTS
from portal.form_fields import EmailListField


class SaveReportForm(forms.Form):
    name = forms.CharField(label=_("Report name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with my company"), required=False)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class ReportEmailForm(forms.Form):
    MODES = [("attach", _("Attach the file")), ("link", _("Send a link to the report"))]

    recipients = EmailListField(
        label=_("Send to"),
        help_text=_("Up to 10 e-mail addresses, separated by commas or new lines."),
        max_addresses=MAX_RECIPIENTS,
    )
    format = forms.ChoiceField(label=_("File format"), choices=ReportFormat.choices)
    mode = forms.ChoiceField(
        label=_("How"), choices=MODES, initial="attach", widget=forms.RadioSelect
    )


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportFrequency.choices)
    format = forms.ChoiceField(label=_("File format"), choices=ReportFormat.choices)


class GuestLookupForm(forms.Form):
    customer_number = forms.CharField(
        label=_("Customer number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    proof = forms.CharField(
        label=_("Purchase order number or delivery postcode"),
        help_text=_("Either one, as on the order: it shows the order is yours."),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
