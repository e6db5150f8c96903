"""Reads of the installed base that more than one place needs (the list, its exports)."""

from django.db.models import QuerySet

from inventory.models import InstalledItem
from portal.models import Company


def installed_items(company: Company) -> QuerySet:
    """The company's installed items as the list and its exports show them (filtered and
    sorted by inventory.filters.ItemFilter)."""
    return (
        InstalledItem.objects.for_company(company)
        .installed()
        .select_related("site", "maintenance_contract")
    )
