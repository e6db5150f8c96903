"""`{% load phones %}`: `{{ contact.phone|phone:reader_country }}` and
`<a href="{{ contact.phone|phone_uri }}">` (see portal.phones)."""

from django import template

from portal.phones import display, uri

register = template.Library()


@register.filter
def phone(value: str, reader_region: str = "") -> str:
    """ "(212) 555-0100" for a reader in the US, "+1 212-555-0100" for one in France."""
    return display(value, reader_region or None)


@register.filter
def phone_uri(value: str) -> str:
    return uri(value)
