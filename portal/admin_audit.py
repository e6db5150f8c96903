"""Audit with values: every admin change records old -> new values in Django's LogEntry.

The admin already writes one LogEntry per saved change form (the global log at
`<admin>/admin/logentry/`); its JSON change message names the changed fields. We
add the values shown before and saved after, so a superuser reads "status: New ->
Answered", not just "Changed status". Superusers only: values can be personal data.
"""

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.admin_concurrency import VERSION_FIELD, _display

MAX_VALUE_CHARS = 300


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def form_values(form: forms.BaseForm) -> dict[str, list[str]]:
    """{field: [old, new]} for each changed field of a bound, valid form."""
    values = {}
    for name in form.changed_data:
        if name == VERSION_FIELD or name not in form.fields:
            continue
        field = form.fields[name]
        old = form.initial.get(name, field.initial)
        new = form.cleaned_data.get(name)
        if isinstance(field, forms.FileField):
            old, new = str(old or ""), getattr(new, "name", new)
        if isinstance(field, forms.ModelMultipleChoiceField):
            old = ", ".join(str(o) for o in (old or []))
            new = ", ".join(str(o) for o in (new or []))
        values[str(field.label or name)] = [
            _short(_display(field, old)),
            _short(_display(field, new)),
        ]
    return values


if TYPE_CHECKING:  # what the mixin is mixed into
    _Admin = admin.ModelAdmin[Any]
else:
    _Admin = object


class AuditValuesMixin(_Admin):
    """For a ModelAdmin: the change message carries the old and new values."""

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Any, add: bool = False
    ) -> list[dict]:
        message = super().construct_change_message(request, form, formsets, add)
        if add:
            return message
        values = form_values(form)
        for formset in formsets or []:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None or not inline_form.has_changed():
                    continue
                if not hasattr(inline_form, "cleaned_data"):
                    continue
                for label, pair in form_values(inline_form).items():
                    values[
                        f"{inline_form.instance._meta.verbose_name} “{inline_form.instance}”: {label}"
                    ] = pair
        if values:
            message.append({"values": values})
        return message


def change_values(entry: LogEntry) -> dict[str, list[str]]:
    try:
        parts = json.loads(entry.change_message or "[]")
    except json.JSONDecodeError:
        return {}
    found: dict[str, list[str]] = {}
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict) and isinstance(part.get("values"), dict):
            found.update(part["values"])
    return found


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The global admin log, read-only, for superusers."""

    list_display = ["action_time", "user", "content_type", "object_link", "action_flag", "summary"]
    list_filter = ["action_flag", ("content_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_repr", "object_id", "user__email", "change_message"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    fields = (
        "action_time",
        "user",
        "content_type",
        "object_id",
        "object_repr",
        "action_flag",
        "summary",
        "values_table",
    )
    readonly_fields = fields
    ordering = ["-action_time"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, obj: LogEntry) -> str:
        url = obj.get_admin_url()
        if obj.action_flag == 3 or not url:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    @admin.display(description=_("change"))
    def summary(self, obj: LogEntry) -> str:
        values = change_values(obj)
        if not values:
            return obj.get_change_message()
        return "; ".join(f"{name}: {old} → {new}" for name, (old, new) in values.items())

    @admin.display(description=_("values"))
    def values_table(self, obj: LogEntry) -> str:
        values = change_values(obj)
        if not values:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            ((name, old, new) for name, (old, new) in values.items()),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            rows,
        )
