"""Forms of Invoices On-Line: they check shape only; services apply the rules."""

from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from invoices.copies import MAX_COPY_RECIPIENTS, CopyMode
from invoices.models import ApprovalStatus, Invoice, PaymentStatus
from invoices.selectors import with_dispute
from portal.form_fields import EmailListField
from portal.lazy_text import interpolate_lazy

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceFilterForm(forms.Form):
    """The list's GET form; an invalid field is ignored (with its error shown), never a 500."""

    q = forms.CharField(label=_("Invoice, PO or order number"), required=False, max_length=60)
    payment = forms.ChoiceField(
        label=_("Payment status"),
        required=False,
        choices=[("", _("All"))] + list(PaymentStatus.choices),
    )
    approval = forms.ChoiceField(
        label=_("Approval status"),
        required=False,
        choices=[("", _("All"))] + list(ApprovalStatus.choices),
    )
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    issued_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput())
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due until"), required=False, widget=DateInput())
    amount_min = forms.DecimalField(
        label=_("Total from"), required=False, max_digits=14, decimal_places=2
    )
    amount_max = forms.DecimalField(
        label=_("Total up to"), required=False, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, currencies: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if currencies is not None:
            self.fields["currency"] = forms.ChoiceField(
                label=_("Currency"),
                required=False,
                choices=[("", _("All"))] + [(c, c) for c in currencies],
            )

    def value(self, name: str) -> Any:
        """The cleaned value, or None when the field is empty or invalid."""
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name not in self.errors else None

    def sort_key(self) -> str:
        sort = self.data.get("sort", "")
        return sort if sort in SORTS else DEFAULT_SORT

    def filter(self, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        self.is_valid()
        q = (self.value("q") or "").strip()
        if q:
            terms = {q, q.upper()}
            cond = Q()
            for term in terms:
                cond |= (
                    Q(number__startswith=term)
                    | Q(po_number__startswith=term)
                    | Q(order_number__startswith=term)
                )
            queryset = queryset.filter(cond)
        if self.value("payment"):
            queryset = queryset.filter(payment_status=self.value("payment"))
        approval = self.value("approval")
        if approval == ApprovalStatus.DISPUTED:
            queryset = with_dispute(queryset).filter(is_disputed=True)
        elif approval:
            queryset = with_dispute(queryset).filter(approval_status=approval, is_disputed=False)
        lookups = {
            "issued_from": "issue_date__gte",
            "issued_to": "issue_date__lte",
            "due_from": "due_date__gte",
            "due_to": "due_date__lte",
            "amount_min": "total__gte",
            "amount_max": "total__lte",
            "currency": "currency",
        }
        for field, lookup in lookups.items():
            value = self.value(field)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        order = SORTS[self.sort_key()]
        if q:
            # A search matches few rows, but PostgreSQL misjudges LIKE prefixes and would walk
            # the sort's index filtering row by row; an expression sort makes it fetch the
            # matches through the search indexes and sort just those.
            order = tuple(_unindexed(key) for key in order)
        return queryset.order_by(*order)


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
