"""`{% sort_header "total" _("Total") num=True %}`: a list's sortable column header.

The header carries `aria-sort` when the list is sorted by it and a visible arrow (▲ ▼;
↕ on the other sortable columns); its link sorts by the column, or reverses the sort.
"""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("portal/list/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: Any, num: bool = False) -> dict:
    listing = context["listing"]
    return {
        "label": label,
        "num": num,
        "url": listing.sort_url(key),
        "direction": listing.direction(key),
        "target": listing.target,
    }
