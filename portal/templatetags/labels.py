"""`{% load labels %}`: `{{ _("VAT number")|colon }}` puts the colon after a label the way
the reader's language writes it: "VAT number:" in English, "N° de TVA :" in French (a
non-breaking space before the colon), instead of a colon hard-coded after a translation."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def colon(label: str) -> str:
    return gettext("%(label)s:") % {"label": label}
