"""Inventory factories: an item takes its company from its site."""

import datetime

import factory
from django.utils import timezone

from inventory.models import InstalledItem, Kind
from tests.factories.portal import SiteFactory


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstalledItem

    site = factory.SubFactory(SiteFactory)
    company = factory.SelfAttribute("site.company")
    kind = Kind.HARDWARE
    serial_number = factory.Sequence(lambda n: f"78{n:05d}")
    machine_type = "9009"
    model = "42A"
    description = "Power System S924"
    configuration = factory.LazyFunction(
        lambda: [{"code": "EP5E", "description": "12-core processor", "quantity": 2}]
    )
    installed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    warranty_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))


class SoftwareFactory(ItemFactory):
    kind = Kind.SOFTWARE
    serial_number = ""
    machine_type = ""
    model = ""
    product = "Db2 Advanced Edition"
    version = "11.5"
    licence = "Processor value unit"
    quantity = 280
    configuration = factory.LazyFunction(list)
