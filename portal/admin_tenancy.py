"""Agents may not move a record to another company, nor edit back-office documents.

The tenant key (every foreign key to Company) of an existing record is read-only
for everyone: changing it would hand one customer's record to another. Documents
that come from the supplier's back-office or change only through services
(invoices, credit notes, payments, signed contracts) are read-only in the admin.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

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


class TenantKeysReadOnlyMixin(_Admin):
    """For a ModelAdmin or an inline: the company of an existing row cannot change."""

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
