"""Forms of My requests: they check the shape of input; rules live in services.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.lazy_text import interpolate_lazy
from portal.models import Topic
from requests_inbox.models import Rating
from requests_inbox.services import MAX_BODY_CHARS, MAX_FILES, MAX_REFERENCE_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


ATTACHMENTS_HELP = interpolate_lazy(
    _("Up to %(max)s files: PDF, images, office documents, text or zip."), {"max": MAX_FILES}
)


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Topic.choices)
    reference = forms.CharField(
        label=_("Reference (optional)"),
        max_length=MAX_REFERENCE_CHARS,
        required=False,
        help_text=_("An order, invoice or contract number of your company, if it is about one."),
    )
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_BODY_CHARS
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENTS_HELP)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_BODY_CHARS
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENTS_HELP)


class AgentReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_BODY_CHARS
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the customer)"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments"))
    # The last message the agent had on screen: a newer public message refuses the answer.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    close = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Was the answer helpful?"), choices=Rating.choices)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
