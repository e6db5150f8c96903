"""Demo orders (idempotent, keyed on order numbers): a few dozen per demo company with lines,
shipments, carriers, timelines, and a couple of saved reports."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from orders.models import (
    Carrier,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ReportSchedule,
    SavedReport,
    Shipment,
    ShipmentStatus,
)
from portal.models import Site

CARRIERS = [
    ("Rapid Parcel", "https://carrier.example/track?n={tracking}"),
    ("EuroFreight", "https://eurofreight.example/tracking/{tracking}"),
    ("Global Express", "https://globalexpress.example/t?awb={tracking}"),
]
PARTS = [
    ("7X06-A1B2", "Server, 2-socket rack 2U"),
    ("4XB7A0", "Memory 32 GB DDR5 RDIMM"),
    ("4XB7A1", "SSD 1.92 TB NVMe"),
    ("5WS7A8", "Warranty upgrade, 3 years on-site"),
    ("D4-LIC-100", "Database licence, 100 users"),
    ("SW-MAINT-1Y", "Software subscription and support, 1 year"),
    ("7D2V-TAPE", "Tape library LTO-9"),
    ("NET-48P", "Switch 48 ports 25 GbE"),
]
PER_COMPANY = 36
FLOW = [
    OrderStatus.RECEIVED,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]


def _status_for(index: int) -> str:
    if index % 17 == 5:
        return OrderStatus.CANCELLED
    return FLOW[min(index % 7, len(FLOW) - 1)]


@transaction.atomic
def seed(world) -> None:  # noqa: ANN001 - portal.demo.World
    carriers = [
        Carrier.objects.update_or_create(name=n, defaults={"tracking_url_template": t})[0]
        for n, t in CARRIERS
    ]
    today = timezone.localdate()
    for prefix, customer_number in (("FR", "0100001"), ("US", "0200001"), ("DE", "0300001")):
        company = world.companies.get(customer_number)
        if company is None:
            continue
        rng = random.Random(customer_number)  # same data on every run
        sites = list(Site.objects.for_company(company))
        abroad = [c for code, c in world.countries.items() if code != company.country.code]
        for i in range(PER_COMPANY):
            number = f"{prefix}{4500100 + i}"
            if Order.objects.for_company(company).filter(number=number).exists():
                continue
            status = _status_for(i)
            ordered_on = today - datetime.timedelta(days=3 + i * 4)
            country = abroad[i % len(abroad)] if i % 6 == 0 and abroad else company.country
            order = Order.objects.create(
                company=company,
                number=number,
                customer_po=f"PO-{company.customer_number[-3:]}-{2026000 + i}",
                country=country,
                ordered_on=ordered_on,
                status=status,
                ship_to=sites[i % len(sites)] if sites else None,
                currency=country.currency,
                total=Decimal("0"),
            )
            total = Decimal("0")
            lines = []
            for pos in range(1, rng.randint(1, 4) + 1):
                part, description = PARTS[(i + pos) % len(PARTS)]
                qty = rng.randint(1, 8)
                planned_ship = ordered_on + datetime.timedelta(days=5)
                line_status = {
                    OrderStatus.DELIVERED: LineStatus.DELIVERED,
                    OrderStatus.SHIPPED: LineStatus.SHIPPED,
                    OrderStatus.CANCELLED: LineStatus.CANCELLED,
                }.get(status, LineStatus.OPEN)
                if status == OrderStatus.PARTIALLY_SHIPPED:
                    line_status = LineStatus.SHIPPED if pos == 1 else LineStatus.BACK_ORDERED
                if status == OrderStatus.CONFIRMED and pos == 2:
                    line_status = LineStatus.BACK_ORDERED
                shipped = line_status in (LineStatus.SHIPPED, LineStatus.DELIVERED)
                lines.append(
                    OrderLine.objects.create(
                        company=company,
                        order=order,
                        position=pos,
                        part_number=part,
                        description=description,
                        quantity=qty,
                        status=line_status,
                        planned_ship_on=planned_ship,
                        shipped_on=planned_ship if shipped else None,
                        planned_delivery_on=planned_ship + datetime.timedelta(days=3),
                        delivered_on=planned_ship + datetime.timedelta(days=3)
                        if line_status == LineStatus.DELIVERED
                        else None,
                    )
                )
                total += Decimal(rng.randint(200, 9000)) * qty
            order.total = total
            order.save(update_fields=["total"])
            shipped_lines = [ln for ln in lines if ln.shipped_on]
            if shipped_lines:
                shipment = Shipment.objects.create(
                    company=company,
                    order=order,
                    carrier=carriers[i % len(carriers)],
                    tracking_number=f"{prefix}1Z{900000 + i:08d}",
                    shipped_on=shipped_lines[0].shipped_on,
                    delivered_on=shipped_lines[0].delivered_on,
                    status=ShipmentStatus.DELIVERED
                    if status == OrderStatus.DELIVERED
                    else ShipmentStatus.IN_TRANSIT,
                )
                shipment.lines.set(shipped_lines)
            steps = FLOW[: FLOW.index(status) + 1] if status in FLOW else FLOW[:2] + [status]
            age = (today - ordered_on).days
            for n, step in enumerate(steps):
                day = ordered_on + datetime.timedelta(days=min(n * 2, age))
                OrderStatusChange.objects.create(
                    company=company,
                    order=order,
                    status=step,
                    at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, n))),
                )
    acme = world.companies.get("0100001")
    owner = world.users.get("viewer@acme.example")
    if acme is not None and owner is not None:
        lyon = Site.objects.for_company(acme).filter(code="LYO").first()
        SavedReport.objects.get_or_create(
            company=acme,
            owner=owner,
            name="Commandes ouvertes Lyon",
            defaults={
                "query": f"status=open&site={lyon.pk}" if lyon else "status=open",
                "shared": True,
            },
        )
        SavedReport.objects.get_or_create(
            company=acme,
            owner=owner,
            name="Expédiées ce trimestre",
            defaults={"query": "status=shipped&sort=-ordered_on", "shared": False},
        )
        ReportSchedule.objects.get_or_create(
            company=acme,
            owner=owner,
            report_key="open-orders",
            frequency="weekly",
            defaults={"format": "pdf"},
        )
