"""`{% load money %}`: `{{ amount|money:currency }}` and `{{ value|number:2 }}`.

The one way a template shows an amount (see portal.money for the format).
"""

from typing import Any

from django import template

from portal.money import format_money, format_number

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """`{{ invoice.total|money:invoice.currency }}` → "1 234,50 EUR" in French."""
    return format_money(value, currency or "")


@register.filter
def number(value: Any, decimals: Any = 2) -> str:
    """A grouped number in the reader's language (quantities, rates): `{{ q|number:0 }}`."""
    try:
        places = int(decimals)
    except (TypeError, ValueError):
        places = 2
    return format_number(value, places)
