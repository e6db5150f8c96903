"""Phone numbers: stored in E.164 ("+12125550100"), shown the way the reader writes them.

`normalize` reads a number typed in any common way ("(212) 555-0100" for a US contact,
"01 23 45 67 89" for a French one, or with its +country code) and returns E.164, or
raises a ValidationError in the reader's language. `display` prints a stored number
in its country's national format ("(212) 555-0100", "01 23 45 67 89") for a reader in
that country, in the international format ("+1 212-555-0100") for anyone else.
Parsing and formatting are libphonenumber's (the `phonenumberslite` package).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NATIONAL = phonenumbers.PhoneNumberFormat.NATIONAL
INTERNATIONAL = phonenumbers.PhoneNumberFormat.INTERNATIONAL
E164 = phonenumbers.PhoneNumberFormat.E164


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def example(region: str | None) -> str:
    """A number as a person of `region` would type it (for error messages)."""
    number = phonenumbers.example_number((region or "").upper()) if region else None
    if number is None:
        return "+33 1 23 45 67 89"
    return phonenumbers.format_number(number, NATIONAL)


def normalize(raw: str, region: str | None = None) -> str:
    """E.164 of `raw`; a number without its +country code is read as one of `region`."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    number = _parse(raw, region)
    if number is None:
        raise ValidationError(
            _("Enter a valid phone number, for example %(example)s."),
            code="invalid_phone",
            params={"example": example(region)},
        )
    return phonenumbers.format_number(number, E164)


def display(stored: str, reader_region: str | None = None) -> str:
    """National format when the reader is in the number's country (or unknown),
    international otherwise; text that is not a number is shown as it is."""
    number = _parse(stored or "", None) if stored else None
    if number is None:
        return stored or ""
    home = phonenumbers.region_code_for_number(number)
    local = not reader_region or reader_region.upper() == home
    return phonenumbers.format_number(number, NATIONAL if local else INTERNATIONAL)


def uri(stored: str) -> str:
    """The `tel:` link of a stored number (E.164 dials from anywhere)."""
    number = _parse(stored or "", None) if stored else None
    if number is None:
        return "tel:" + "".join(c for c in stored or "" if c.isdigit() or c == "+")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)
