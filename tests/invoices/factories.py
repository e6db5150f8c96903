"""Factories of Invoices On-Line: child objects take their company from the parent."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from invoices.models import BillingAccount, Invoice, InvoiceLine
from tests.factories.portal import CompanyFactory


class BillingAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingAccount

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"BA{100000 + n}")
    name = "Head office"
    currency = "EUR"


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice of 1,200.00 EUR (1,000.00 + 20 % tax) with one line."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"F-2026-{n:06d}")
    billing_account = factory.SubFactory(
        BillingAccountFactory, company=factory.SelfAttribute("..company")
    )
    country = factory.SelfAttribute("company.country")
    issue_date = factory.LazyFunction(lambda: date.today() - timedelta(days=10))
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=20))
    currency = "EUR"
    subtotal = Decimal("1000.00")
    tax_total = Decimal("200.00")
    total = Decimal("1200.00")
    po_number = factory.Sequence(lambda n: f"PO-{7000 + n}")
    order_number = ""
    payment_terms = "30 days net"

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            InvoiceLineFactory(invoice=self)
        else:
            for i, data in enumerate(extracted, start=1):
                InvoiceLineFactory(invoice=self, position=i, **data)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    position = 1
    part_number = "7042-CR8"
    description = "Server maintenance, 12 months"
    quantity = Decimal("1")
    unit_price = Decimal("1000.00")
    tax_rate = Decimal("20.00")
    line_total = factory.LazyAttribute(lambda o: o.quantity * o.unit_price)
