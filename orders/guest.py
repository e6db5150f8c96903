"""Guest lookup: customer number + order or PO number -> the basic status only.

The same two queries run whether the order is unknown or the customer number is
wrong, and customer numbers are compared in constant time, so neither the answer
nor its timing tells the two cases apart. Nothing else leaves this module: no
prices, addresses, names or line details.
"""

import hmac
from dataclasses import dataclass, field

from django.db.models import Max, Q

from orders.models import Order, Shipment

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Parcel:
    carrier: str
    tracking_number: str
    tracking_url: str
    status: str


@dataclass
class GuestStatus:
    reference: str
    status: str
    ordered_on: object
    planned_delivery: object
    delivered_on: object
    parcels: list[Parcel] = field(default_factory=list)


def guest_lookup(*, customer_number: str, reference: str) -> list[GuestStatus]:
    customer = customer_number.strip().encode()
    reference = "".join(reference.split())  # "fr 4500102" is FR4500102
    candidates = list(
        Order.objects.filter(Q(number__iexact=reference) | Q(customer_po__iexact=reference))
        .annotate(
            planned_delivery=Max("lines__planned_delivery_on"),
            last_delivery=Max("lines__delivered_on"),
        )
        .values(
            "pk",
            "number",
            "status",
            "ordered_on",
            "planned_delivery",
            "last_delivery",
            "company__customer_number",
        )
        .order_by("-ordered_on", "pk")[:MAX_CANDIDATES]
    )
    matched = []
    for row in candidates:  # every candidate is compared: no early exit
        if hmac.compare_digest(row["company__customer_number"].encode(), customer):
            matched.append(row)
    ids = [row["pk"] for row in matched] or [0]
    parcels: dict[int, list[Parcel]] = {}
    for shipment in (
        Shipment.objects.filter(order_id__in=ids)
        .select_related("carrier")
        .order_by("shipped_on", "id")
    ):
        parcels.setdefault(shipment.order_id, []).append(
            Parcel(
                carrier=shipment.carrier.name,
                tracking_number=shipment.tracking_number,
                tracking_url=shipment.tracking_url,
                status=shipment.get_status_display(),
            )
        )
    labels = dict(Order._meta.get_field("status").choices)
    results = []
    for row in matched:
        delivered = row["last_delivery"] if row["status"] == "delivered" else None
        results.append(
            GuestStatus(
                reference=row["number"],
                status=labels.get(row["status"], row["status"]),
                ordered_on=row["ordered_on"],
                planned_delivery=row["planned_delivery"],
                delivered_on=delivered,
                parcels=parcels.get(row["pk"], []),
            )
        )
    return results
