"""Amounts and numbers in the reader's language: one format for pages, e-mails and PDFs.

French: ``66 195,96 EUR`` (no-break space between thousands, decimal comma);
English: ``66,195.96 EUR``. Always two decimals for money, always grouped, and
the ISO currency code after the amount, after a plain space: exactly the text
of the messages written "{{ amount }} {{ currency }}" (tables keep amounts on
one line with `white-space: nowrap`). Templates use the ``money`` filter (portal/templatetags/money.py);
code that stores text (the e-mail outbox, home figures) calls `format_money`
inside the recipient's language.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, translation

SEPARATOR = " "  # amount and code: the same text as "{{ amount }} {{ currency }}" in messages


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: Any, decimals: int = 2, *, language: str | None = None) -> str:
    """A grouped number with the language's separators; '' for no value."""
    number = _decimal(value)
    if number is None:  # nothing, or text that is not a number: shown as it is
        return "" if value is None else str(value)
    if decimals >= 0:
        number = number.quantize(Decimal(1).scaleb(-decimals))
    language = language or translation.get_language()
    separators = _separators(language) if language and decimals >= 0 else None
    if separators is not None and number.is_finite():
        # Python's own grouping, then the language's separators: the text Django's
        # number_format gives, without its per-call format look-ups (a list shows
        # hundreds of amounts).
        decimal_sep, thousand_sep = separators
        text = f"{number:,.{decimals}f}".replace(",", "\x00").replace(".", decimal_sep)
        text = text.replace("\x00", thousand_sep)
    else:
        with translation.override(language):
            text = formats.number_format(number, decimals, use_l10n=True, force_grouping=True)
    # "-0,00" reads as a debt of nothing
    return text[1:] if text.startswith("-") and not number else text


_SEPARATORS: dict[str, tuple[str, str] | None] = {}


def _separators(language: str) -> tuple[str, str] | None:
    """The language's (decimal, thousands) separators when it groups by threes (else None:
    Django's number_format does it), looked up once per process."""
    if language not in _SEPARATORS:
        with translation.override(language):
            grouping = formats.get_format("NUMBER_GROUPING", use_l10n=True)
            _SEPARATORS[language] = (
                (
                    str(formats.get_format("DECIMAL_SEPARATOR", use_l10n=True)),
                    str(formats.get_format("THOUSAND_SEPARATOR", use_l10n=True)),
                )
                if grouping == 3
                else None
            )
    return _SEPARATORS[language]


def format_money(value: Any, currency: str = "", *, language: str | None = None) -> str:
    """`1234.5, "EUR"` → "1 234,50 EUR" (fr) / "1,234.50 EUR" (en); no currency: the number."""
    text = format_number(value, 2, language=language)
    if not text or not currency:
        return text
    return f"{text}{SEPARATOR}{currency}"
