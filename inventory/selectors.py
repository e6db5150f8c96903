"""Reads of the installed base that more than one place needs (the list, its exports)."""

from django.db.models import Q, QuerySet

from inventory.models import ChangeRequest, InstalledItem
from portal.models import Company
from requests_inbox.models import Request


def installed_items(company: Company) -> QuerySet:
    """The company's installed items as the list and its exports show them (filtered and
    sorted by inventory.filters.ItemFilter)."""
    return (
        InstalledItem.objects.for_company(company)
        .installed()
        .select_related("site", "maintenance_contract")
    )


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
