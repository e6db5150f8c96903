"""Forms of the ID and access pages: they check the shape of input, services apply rules."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.applications import App
from portal.models import TRANSACTIONAL_EVENTS, Country, Event, Role, User
from portal.time_zones import zone_names


class AccessRequestForm(forms.Form):
    app = forms.ChoiceField(label=_("Application"), choices=App.choices)
    customer_number = forms.CharField(
        label=_("Your company's customer number"),
        max_length=20,
        required=False,
        help_text=_("You find it on your invoices and order confirmations."),
    )
    role = forms.ChoiceField(
        label=_("Access asked for"),
        choices=Role.choices,
        initial=Role.VIEWER,
        widget=forms.RadioSelect,
        help_text=_("Viewer: see the information. Approver: also approve and sign."),
    )
    justification = forms.CharField(
        label=_("Why do you need access?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your company administrator reads this to decide."),
    )

    def __init__(self, *args: Any, member: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        if member:
            self.fields["customer_number"].help_text = _(
                "Leave empty to ask for your active company; fill it in to ask for another one."
            )
        else:
            self.fields["customer_number"].required = True


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the requester"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class GrantForm(forms.Form):
    app = forms.ChoiceField(label=_("Application"), choices=App.choices)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AdminFlagForm(forms.Form):
    is_admin = forms.TypedChoiceField(
        choices=[("1", _("Make administrator")), ("0", _("Remove administrator"))],
        coerce=lambda value: value == "1",
    )


def _switchable_events() -> list[Event]:
    return [e for e in Event if e not in TRANSACTIONAL_EVENTS]


class ProfileForm(forms.ModelForm):
    """Name, language and one checkbox per event type the user may switch off."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language", "time_zone"]
        labels = {
            "time_zone": _("Time zone for pages, e-mails and PDFs"),
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "preferred_language": _("Language for pages, e-mails and PDFs"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = settings.LANGUAGES
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone for pages, e-mails and PDFs"),
            required=False,
            choices=[("", _("The time zone of my company's country"))]
            + [(name, name.replace("_", " ")) for name in zone_names()],
            initial=self.instance.time_zone,
        )
        for event in _switchable_events():
            self.fields[f"event_{event.value}"] = forms.BooleanField(
                label=event.label, required=False, initial=self.instance.wants(event.value)
            )

    @property
    def event_fields(self) -> list[forms.BoundField]:
        return [self[f"event_{e.value}"] for e in _switchable_events()]

    @property
    def always_on(self) -> list[Any]:
        return [e.label for e in Event if e in TRANSACTIONAL_EVENTS]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        prefs = dict(user.notification_prefs or {})
        for event in _switchable_events():
            prefs[event.value] = bool(self.cleaned_data.get(f"event_{event.value}"))
        user.notification_prefs = prefs
        if commit:
            user.save()
        return user


class HelpCountryForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Your country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        empty_label=_("Choose your country"),
        required=False,
    )


class ReportDomainsForm(forms.Form):
    domains = forms.CharField(
        label=_("Outside domains reports may be e-mailed to"),
        help_text=_("One domain per line, e.g. accountant.example. Colleagues are always allowed."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
