"""Guest lookup: customer number + order number + a second fact -> the basic status only.

Order numbers are sequential, so a number alone proves nothing: the guest also gives
a fact only the customer has, the order's purchase order number or the delivery
postcode. Every value is compared without regard to case or spaces: "po-2026 17"
finds "PO-202617", " g-100 " finds "G-100".

The same two queries run whatever part is wrong, and customer numbers and facts are
compared in constant time, so neither the answer nor its timing tells which part was
wrong. Nothing else leaves this module: no prices, addresses, names or line details.
"""

import hmac
from dataclasses import dataclass, field

from django.db.models import Max
from django.db.models.functions import Upper

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


def compact(value: str) -> str:
    """A reference as compared: upper case, without spaces."""
    return "".join(value.split()).upper()


def _same(stored: str | None, given: bytes) -> bool:
    return hmac.compare_digest(compact(stored or "").encode(), given) and bool(stored)


def guest_lookup(*, customer_number: str, order_number: str, proof: str) -> list[GuestStatus]:
    customer = compact(customer_number).encode()
    fact = compact(proof).encode()
    candidates = list(
        Order.objects.annotate(number_key=Upper("number"))
        .filter(number_key=compact(order_number))
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
            "customer_po",
            "ship_to__postal_code",
        )
        .order_by("-ordered_on", "pk")[:MAX_CANDIDATES]
    )
    matched = []
    for row in candidates:  # every candidate and fact is compared: no early exit
        same_customer = _same(row["company__customer_number"], customer)
        same_po = _same(row["customer_po"], fact)
        same_postcode = _same(row["ship_to__postal_code"], fact)
        if same_customer & (same_po | same_postcode):
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
