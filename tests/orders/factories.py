"""Order factories: children take their company from their order."""

import datetime
from decimal import Decimal

import factory

from orders.models import (
    Carrier,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    SavedReport,
    Shipment,
    ShipmentStatus,
)
from tests.factories.portal import CompanyFactory


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("name",)

    name = "Rapid Parcel"
    tracking_url_template = "https://carrier.example/track?n={tracking}"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"{4500000 + n}")
    customer_po = factory.Sequence(lambda n: f"PO-{n:05d}")
    country = factory.SelfAttribute("company.country")
    ordered_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    status = OrderStatus.CONFIRMED
    currency = "EUR"
    total = Decimal("1234.50")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    company = factory.SelfAttribute("order.company")
    position = factory.Sequence(lambda n: n + 1)
    part_number = factory.Sequence(lambda n: f"PN-{n:05d}")
    description = "ThinkServer rack unit"
    quantity = 2
    status = LineStatus.OPEN
    planned_delivery_on = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=5)
    )


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    company = factory.SelfAttribute("order.company")
    carrier = factory.SubFactory(CarrierFactory)
    tracking_number = factory.Sequence(lambda n: f"1Z{n:08d}")
    shipped_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=2))
    status = ShipmentStatus.IN_TRANSIT


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderStatusChange

    order = factory.SubFactory(OrderFactory)
    company = factory.SelfAttribute("order.company")
    status = OrderStatus.RECEIVED


class SavedReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedReport

    company = factory.SubFactory(CompanyFactory)
    owner = None
    name = factory.Sequence(lambda n: f"Report {n}")
    query = "status=open"
    shared = False
