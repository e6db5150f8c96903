"""Reads of the installed base that more than one place needs (the list, its exports)."""

from django.db.models import QuerySet

from inventory.forms import SORTS, ItemFilterForm
from inventory.models import InstalledItem
from portal.models import Company


def filtered_items(company: Company, form: ItemFilterForm) -> tuple[QuerySet, list]:
    """The company's installed items the list's filters select (the page and exports)."""
    items = (
        InstalledItem.objects.for_company(company)
        .installed()
        .select_related("site", "maintenance_contract")
    )
    if not form.is_valid():
        return items.order_by(*SORTS["site"]), []
    data = form.cleaned_data
    if data["q"]:
        items = items.search(data["q"])
    if data["site"]:
        items = items.filter(site=data["site"])
    if data["kind"]:
        items = items.filter(kind=data["kind"])
    if data["coverage"]:
        items = items.coverage(data["coverage"])
    if data["lease_ending"]:
        items = items.lease_ending()
    return items.order_by(*SORTS.get(data["sort"] or "site", SORTS["site"])), []
