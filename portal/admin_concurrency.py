"""Optimistic version check and "who has it open" for every admin change form agents use.

Two agents working side by side must never overwrite each other without knowing:
the change form carries a hidden fingerprint of the record as it was shown; the
save compares it with the row (locked for the rest of the save) and refuses a
stale page with the current values, keeping what the agent typed. Opening a
record another agent has open says who and since when.
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.models import _get_foreign_key
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.http import PortalRequest

VERSION_FIELD = "_version"
PRESENCE_WINDOW = timedelta(minutes=15)


def _row(obj: models.Model) -> str:
    return "\x1f".join(
        f"{f.attname}={f.value_from_object(obj)!s}" for f in obj._meta.concrete_fields
    )


def record_version(obj: models.Model, children: Sequence[tuple[Any, str]] = ()) -> str:
    """A fingerprint of every stored value: any change, by anyone, changes it.

    `children` are the (model, foreign key name) of the rows edited on the same page (the
    admin's editable inlines): a colleague's change to one of them, a row added or
    removed, makes the page stale too."""
    parts = [_row(obj)]
    for model, fk_name in children:
        rows = model._base_manager.filter(**{fk_name: obj.pk}).order_by("pk")
        parts.append(model._meta.label_lower)
        parts.extend(_row(row) for row in rows)
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:40]


def _display(field: forms.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        found = field.queryset.model._base_manager.filter(pk=value).first()
        return str(found) if found is not None else str(value)
    choices = dict(getattr(field, "choices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def last_change(obj: models.Model) -> tuple[str, datetime] | None:
    """Who changed the record last in the admin, and when."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    if entry is None:
        return None
    return (entry.user.get_full_name() or entry.user.email, entry.action_time)


if TYPE_CHECKING:  # what the mixin is mixed into
    from django.contrib.admin import ModelAdmin

    _Admin = ModelAdmin[Any]
else:
    _Admin = object


class VersionedForm(forms.ModelForm):
    """Mixed into the admin's form class: the hidden version and the stale-save refusal."""

    # (model, foreign key name) of the editable inline rows shown with the record
    version_children: Sequence[tuple[Any, str]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if VERSION_FIELD in self.fields and self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = record_version(
                self.instance, self.version_children
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if VERSION_FIELD not in self.fields or self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        current = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError(_("This record no longer exists."), code="gone")
        if self.data.get(self.add_prefix(VERSION_FIELD)) == record_version(
            current, self.version_children
        ):
            return cleaned
        raise ValidationError(self.stale_message(current), code="stale")

    def stale_message(self, current: models.Model) -> str:
        differences = []
        for name, field in self.fields.items():
            if name == VERSION_FIELD or name not in self.cleaned_data:
                continue
            try:
                model_field = current._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field (an upload): nothing stored
                continue
            if not model_field.concrete or model_field.many_to_many:
                continue
            now = getattr(current, model_field.attname)
            yours = self.cleaned_data.get(name)
            if isinstance(yours, models.Model):
                yours = yours.pk
            if now != yours:
                differences.append(
                    _("%(field)s: now “%(now)s” (your page: “%(yours)s”)")
                    % {
                        "field": field.label or name,
                        "now": _display(field, now),
                        "yours": _display(field, yours),
                    }
                )
        who = last_change(current)
        if who:
            head = _(
                "%(name)s changed this record at %(when)s, after you opened it. "
                "Your changes were NOT saved."
            ) % {
                "name": who[0],
                "when": formats.date_format(timezone.localtime(who[1]), "DATETIME_FORMAT"),
            }
        else:
            head = _("This record was changed after you opened it. Your changes were NOT saved.")
        tail = _("Reload the page to work on the current version.")
        if differences:
            return f"{head} {_('Current values:')} {'; '.join(differences)}. {tail}"
        return f"{head} {tail}"


def _presence_key(obj: models.Model) -> str:
    return f"admin-open:{obj._meta.label_lower}:{obj.pk}"


def presence_note(request: PortalRequest, obj: models.Model) -> list[str]:
    """Record that this agent has the record open; name the others who have it open."""
    now = timezone.now()
    key = _presence_key(obj)
    seen: dict[str, list] = cache.get(key) or {}
    mine = seen.get(str(request.user.pk))
    since = (
        mine[1] if mine and now.timestamp() - mine[2] < PRESENCE_WINDOW.total_seconds() else None
    )
    seen[str(request.user.pk)] = [
        request.user.get_full_name() or request.user.email,
        since or now.timestamp(),
        now.timestamp(),
    ]
    fresh = {
        pk: entry
        for pk, entry in seen.items()
        if now.timestamp() - entry[2] < PRESENCE_WINDOW.total_seconds()
    }
    cache.set(key, fresh, int(PRESENCE_WINDOW.total_seconds()))
    notes = []
    for pk, (name, started, _last) in fresh.items():
        if pk == str(request.user.pk):
            continue
        when = timezone.localtime(
            datetime.fromtimestamp(started, tz=timezone.get_current_timezone())
        )
        notes.append(
            _("%(name)s has had this page open since %(when)s: check before you change it.")
            % {"name": name, "when": formats.date_format(when, "TIME_FORMAT")}
        )
    return notes


def presence_leave(request: PortalRequest, obj: models.Model) -> None:
    """The agent saved or answered and left the page: colleagues no longer see them on it."""
    key = _presence_key(obj)
    seen: dict[str, list] = cache.get(key) or {}
    if seen.pop(str(request.user.pk), None) is not None:
        cache.set(key, seen, int(PRESENCE_WINDOW.total_seconds()))


class VersionCheckMixin(_Admin):
    """For a ModelAdmin: refuse stale saves; say who else has the record open."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is not None and self.has_change_permission(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(
                base.__name__,
                (VersionedForm, base),
                {
                    VERSION_FIELD: forms.CharField(widget=forms.HiddenInput, required=False),
                    "version_children": self.version_children(request, obj),
                },
            )
            fields = kwargs.get("fields")
            if fields is not None and VERSION_FIELD not in fields:
                kwargs["fields"] = [*fields, VERSION_FIELD]
        return super().get_form(request, obj, change=change, **kwargs)

    def version_children(self, request: HttpRequest, obj: Any) -> list[tuple[Any, str]]:
        """The inline rows this agent may change on the page: part of the record's version."""
        children = []
        for inline in self.get_inline_instances(request, obj):
            if not (
                inline.has_change_permission(request, obj)
                or inline.has_add_permission(request, obj)
                or inline.has_delete_permission(request, obj)
            ):
                continue
            fk = _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name)
            children.append((inline.model, fk.name))
        return children

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != VERSION_FIELD]})
            for name, opts in list(super().get_fieldsets(request, obj))
        ]
        if obj is not None and self.has_change_permission(request, obj) and fieldsets:
            name, opts = fieldsets[0]
            fieldsets[0] = (name, {**opts, "fields": [*opts["fields"], VERSION_FIELD]})
        return fieldsets

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        # saved: off the page ("Save and continue" opens it again, and is seen again)
        presence_leave(cast(PortalRequest, request), obj)
        return super().response_change(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                # the admin's requests are signed in (staff with MFA)
                for note in presence_note(cast(PortalRequest, request), obj):
                    messages.warning(request, note)
        return super().change_view(request, object_id, form_url, extra_context)
