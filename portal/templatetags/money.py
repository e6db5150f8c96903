"""`{% load money %}`: `{{ amount|money:currency }}` and `{{ value|number:2 }}`.

The one way a template shows an amount (see portal.money for the format).
"""

from decimal import Decimal
from typing import Any

from django import template

from portal.money import format_money, format_number

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """`{{ invoice.total|money:invoice.currency }}` → "1 234,50 EUR" in French."""
    return format_money(value, currency or "")


@register.filter
def number(value: Any, decimals: Any = None) -> Any:
    """A grouped number in the reader's language: `{{ q|number:0 }}`; without places,
    whole numbers get none and decimals two. Anything else (text, dates) is unchanged,
    so a generic table cell can go through it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    try:
        places = int(decimals) if decimals is not None else (0 if isinstance(value, int) else 2)
    except (TypeError, ValueError):
        places = 2
    return format_number(value, places)
