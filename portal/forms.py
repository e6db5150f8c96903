"""Forms of the ID and access pages: they check the shape of input, services apply rules."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.applications import App
from portal.models import (
    IN_PORTAL_EVENTS,
    TRANSACTIONAL_EVENTS,
    Channel,
    Country,
    Event,
    Role,
    User,
)
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


def channel_choices(event: Event) -> list[tuple[str, Any]]:
    """The ways a user may hear about `event`: in the portal only where the event has an
    in-portal twin, "not at all" only where it is not transactional."""
    choices = []
    for channel in Channel:
        if event not in IN_PORTAL_EVENTS and channel in (Channel.BOTH, Channel.PORTAL):
            continue
        if event in TRANSACTIONAL_EVENTS and channel == Channel.NONE:
            continue
        choices.append((channel.value, channel.label))
    return choices


def _choosable_events() -> list[Event]:
    return [e for e in Event if len(channel_choices(e)) > 1]


class ProfileForm(forms.ModelForm):
    """Name, language, time zone and, per event, how the user hears about it (e-mail,
    the notification centre, both; or not at all for what is not transactional)."""

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
        for event in _choosable_events():
            self.fields[f"event_{event.value}"] = forms.ChoiceField(
                label=event.label,
                required=False,  # not sent: the preference stays as it was
                choices=channel_choices(event),
                initial=self.instance.channel(event.value),
                widget=forms.RadioSelect,
            )

    @property
    def event_fields(self) -> list[forms.BoundField]:
        return [self[f"event_{e.value}"] for e in _choosable_events()]

    @property
    def always_on(self) -> list[Any]:
        return [e.label for e in Event if len(channel_choices(e)) == 1]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        prefs = dict(user.notification_prefs or {})
        for event in _choosable_events():
            value = self.cleaned_data.get(f"event_{event.value}")
            if value:
                prefs[event.value] = value
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
