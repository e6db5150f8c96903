"""Forms of Invoices On-Line: they check shape only; services apply the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.copies import MAX_COPY_RECIPIENTS, CopyMode
from invoices.models import Invoice
from portal.form_fields import EmailListField
from portal.lazy_text import interpolate_lazy


class CopyForm(forms.Form):
    recipients = EmailListField(
        label=_("E-mail addresses"),
        help_text=interpolate_lazy(
            _("Up to %(max)s addresses, separated by commas or new lines."),
            {"max": MAX_COPY_RECIPIENTS},
        ),
        max_addresses=MAX_COPY_RECIPIENTS,
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mode = forms.ChoiceField(
        label=_("Send"),
        choices=[
            (CopyMode.ATTACHMENT, _("The PDF attached to the e-mail")),
            (CopyMode.LINK, _("A link to the PDF, working without an account")),
        ],
        initial=CopyMode.ATTACHMENT,
        widget=forms.RadioSelect,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DisputeForm(forms.Form):
    lines = forms.MultipleChoiceField(
        label=_("Disputed lines (none: the whole invoice)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("What is wrong?"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)

    def __init__(self, *args: Any, invoice: Invoice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [
            (str(line.position), f"{line.position}. {line.description}")
            for line in invoice.lines.all()
        ]
