"""Forms check the shape of input; the rules live in contracts.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import ContractType
from contracts.selectors import contract_approvers
from portal.access import has_app_role
from portal.applications import App
from portal.models import Company, Role, User


class VersionedForm(forms.Form):
    """Carries the contract's lock_version so a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ContractCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=ContractType.choices)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    renewal_terms = forms.CharField(
        label=_("Renewal terms"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    renewal_date = forms.DateField(
        label=_("Renewal notice date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    document = forms.FileField(label=_("Contract document"), help_text=_("PDF or office document."))
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data


class VersionForm(VersionedForm):
    document = forms.FileField(label=_("Document"), help_text=_("PDF or office document."))
    summary = forms.CharField(
        label=_("Summary of changes"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RouteForm(VersionedForm):
    """Ordered approvers: one select per position; empty positions are ignored."""

    POSITIONS = 4

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        users = contract_approvers(company)
        self.company = company
        for i in range(1, self.POSITIONS + 1):
            self.fields[f"approver_{i}"] = forms.ModelChoiceField(
                label=_("Approver %(n)s") % {"n": i},
                queryset=users,
                required=i == 1,
                empty_label="—",
            )

    def approvers(self) -> list[User]:
        chosen = []
        for i in range(1, self.POSITIONS + 1):
            user = self.cleaned_data.get(f"approver_{i}")
            if user is not None:
                chosen.append(user)
        return chosen

    def clean(self):
        data = super().clean()
        for user in self.approvers() if not self.errors else []:
            if not has_app_role(user, self.company, App.CONTRACTS, Role.APPROVER):
                raise forms.ValidationError(
                    _("%(user)s may not approve contracts.") % {"user": user}
                )
        return data


class DecisionForm(VersionedForm):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignForm(VersionedForm):
    typed_name = forms.CharField(label=_("Type your full name"), max_length=200)
    consent = forms.BooleanField(
        label=_(
            "I agree to sign this contract electronically and that my typed name is my signature."
        ),
        required=False,
    )


class TerminateForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RenewForm(VersionedForm):
    new_end_date = forms.DateField(
        label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ApprovalPolicyForm(forms.Form):
    """The company's segregation-of-duties rule; an empty value removes it."""

    threshold = forms.DecimalField(
        label=_("From a contract value of"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("In the contract's currency. Leave empty for no minimum."),
    )
    min_approvers = forms.IntegerField(
        label=_("Minimum number of approvers"), min_value=1, max_value=10, initial=2
    )
