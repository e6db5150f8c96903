"""`{% print_selection %}`: the print header of a list (see portal.printing)."""

from django import template

from portal.printing import print_selection as selection_of

register = template.Library()


@register.inclusion_tag("portal/_print_header.html", takes_context=True)
def print_selection(context) -> dict:
    request = context.get("request")
    form = context.get("form")
    if form is None and context.get("filter") is not None:
        form = getattr(context["filter"], "form", None)
    return {"selection": selection_of(request, context.get("page"), form) if request else None}
