"""The error summary of a page: every error of every bound form in the context.

base.html calls it once, so every page with a form in error gets, without its view or
template doing anything, a summary at the top of the content (each error a link to its
field), the focus on that summary and "Error:" at the start of its <title>.
"""

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorList

register = template.Library()


def _bound_forms(value: Any) -> list[BaseForm]:
    if isinstance(value, BaseFormSet):
        return list(value.forms) if value.is_bound else []
    if isinstance(value, BaseForm):
        return [value] if value.is_bound else []
    form = getattr(type(value), "form", None) and getattr(value, "form", None)  # a FilterSet
    return [form] if isinstance(form, BaseForm) and form.is_bound else []


def _first_field_id(form: BaseForm) -> str:
    for field in form.visible_fields():
        return field.id_for_label or field.auto_id or ""
    return ""


@register.simple_tag(takes_context=True)
def form_errors(context: template.Context) -> list[dict[str, str]]:
    """[{"label", "message", "anchor"}] for each error of the page's bound forms."""
    items: list[dict[str, str]] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        for form in _bound_forms(value):
            if id(form) in seen or not form.errors:
                continue
            seen.add(id(form))
            for message in form.non_field_errors():
                items.append(
                    {"label": "", "message": str(message), "anchor": _first_field_id(form)}
                )
            for name, errors in form.errors.items():
                if name not in form.fields:
                    continue
                field = form[name]
                anchor = "" if field.is_hidden else field.id_for_label or field.auto_id or ""
                for message in ErrorList(errors):
                    items.append(
                        {"label": str(field.label or ""), "message": str(message), "anchor": anchor}
                    )
    return items
