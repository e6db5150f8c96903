"""The form renderer: Django's, with <select> elements built in Python.

Django renders every <option> through its own template include; a filter with 200
sites costs ~12 ms of template rendering per page. `PortalFormRenderer` writes the
same HTML as Django's select.html / select_option.html / attrs.html (escaped with
format_html), and leaves every other widget, and any select with custom option
templates, to the templates.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import SafeString

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> SafeString | str:
    """Django's attrs.html: False is left out, True is a bare attribute name."""
    if not attrs:
        return ""
    return _join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict[str, Any]) -> SafeString:
    return format_html(
        '\n  <option value="{}"{}>{}</option>\n',
        str(option["value"]),
        _attrs(option["attrs"]),
        option["label"],
    )


def _join(parts: Any) -> SafeString:
    """Concatenate pieces that are each already escaped (one format_html call)."""
    parts = list(parts)
    return format_html("{}" * len(parts), *parts) if parts else format_html("{}", "")


def render_select(widget: dict[str, Any]) -> SafeString:
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        options = _join(_option(option) for option in group_choices)
        if group_name:
            parts.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, options)
            )
        else:
            parts.append(options)
    return format_html(
        '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), _join(parts)
    )


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT
            and widget is not None
            and all(
                o["template_name"] == OPTION for _n, group, _i in widget["optgroups"] for o in group
            )
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
