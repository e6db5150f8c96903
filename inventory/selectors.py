"""Reads of the installed base that more than one place needs (the list, its exports)."""

from django.db.models import Q, QuerySet

from inventory.forms import SORTS, ItemFilterForm
from inventory.models import ChangeRequest, InstalledItem
from portal.models import Company
from requests_inbox.models import Request


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


def item_open_requests(company: Company, item: InstalledItem) -> QuerySet[Request]:
    """Open My-requests requests about the item: its change requests, or a request of
    category inventory naming its serial number. Newest first."""
    return (
        Request.objects.for_company(company)
        .open()
        .filter(
            Q(inventory_change__item=item)
            | Q(category="inventory", reference=item.serial_number or "-")
        )
        .distinct()
        .order_by("-created_at")
    )


def item_pending_change(company: Company, item: InstalledItem) -> ChangeRequest | None:
    """The item's change request waiting for the agents, if any."""
    return (
        ChangeRequest.objects.for_company(company)
        .pending()
        .filter(item=item)
        .select_related("request")
        .first()
    )
