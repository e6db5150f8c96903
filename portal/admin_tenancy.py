"""Agents may not move a record to another company, nor edit back-office documents.

The tenant key (every foreign key to Company) of an existing record is read-only
for everyone: changing it would hand one customer's record to another. Documents
that come from the supplier's back-office or change only through services
(invoices, credit notes, payments, signed contracts) are read-only in the admin.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.models import Company

if TYPE_CHECKING:  # what the mixins are mixed into
    from django.contrib.admin.options import BaseModelAdmin

    _Admin = BaseModelAdmin[Any]
else:
    _Admin = object


def tenant_keys(model: Any) -> list[str]:
    return [
        f.name
        for f in model._meta.fields
        if f.is_relation and f.related_model is Company and f.editable
    ]


def _owner(obj: models.Model) -> int | None:
    """The company a tenant-owned record belongs to (None: not tenant-owned, or not set)."""
    keys = [f for f in obj._meta.fields if f.is_relation and f.related_model is Company]
    return getattr(obj, keys[0].attname) if keys else None


class SameCompanyForm(forms.ModelForm):
    """A record may point only to records of its own company (a site, an order, a contract):
    another customer's would show them on this one's pages, or hide this record from them."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        chosen = cleaned.get("company")
        company_id = chosen.pk if isinstance(chosen, Company) else _owner(self.instance)
        if company_id is None:
            return cleaned
        for name, value in list(cleaned.items()):
            if not isinstance(value, models.Model) or isinstance(value, Company):
                continue
            owner = _owner(value)
            if owner is not None and owner != company_id:
                self.add_error(
                    name,
                    ValidationError(
                        _("“%(value)s” belongs to another company: choose one of this company’s.")
                        % {"value": value},
                        code="other_company",
                    ),
                )
        return cleaned


class TenantKeysReadOnlyMixin(_Admin):
    """For a ModelAdmin or an inline: the company of an existing row cannot change, and a
    ModelAdmin's record points only to records of its own company."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(base.__name__, (SameCompanyForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [name for name in tenant_keys(self.model) if name not in readonly]
        return readonly


class ReadOnlyAdminMixin(_Admin):
    """For a ModelAdmin or an inline: rows are seen, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
