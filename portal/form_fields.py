"""Form fields shared by the applications' forms."""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Addresses are separated by commas, semicolons, spaces or new lines (an address has none).
SEPARATORS = re.compile(r"[,;\s]+")


def email_list(raw: str | Iterable[str], *, max_addresses: int) -> list[str]:
    """Valid addresses, lower-cased and deduplicated, in the order given; at least one and
    at most `max_addresses`. The one parser of e-mail recipient lists (forms and services)."""
    items = SEPARATORS.split(raw) if isinstance(raw, str) else list(raw)
    addresses: list[str] = []
    for item in items:
        address = item.strip().lower()
        if not address or address in addresses:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not a valid e-mail address.") % {"address": item.strip()[:80]},
                code="bad_address",
            ) from None
        addresses.append(address)
    if not addresses:
        raise ValidationError(_("Please give at least one e-mail address."), code="no_address")
    if len(addresses) > max_addresses:
        raise ValidationError(
            _("At most %(max)s addresses at a time.") % {"max": max_addresses}, code="too_many"
        )
    return addresses


class EmailListField(forms.CharField):
    """A text area of e-mail addresses; `cleaned_data` holds the list (see `email_list`)."""

    def __init__(self, *, max_addresses: int, **kwargs: Any) -> None:
        self.max_addresses = max_addresses
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        if not text:
            return []
        return email_list(text, max_addresses=self.max_addresses)
