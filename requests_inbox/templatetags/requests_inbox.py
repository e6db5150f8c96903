"""Template filters of My requests (e-mail contexts carry dates as ISO strings)."""

from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def iso_datetime(value: str) -> datetime | str:
    """Turn the ISO string stored in a notification's context back into a datetime."""
    return parse_datetime(value or "") or value
