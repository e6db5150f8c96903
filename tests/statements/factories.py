"""Factories of statements data; children take company (and account) from their parent.

Invoices and billing accounts are the invoices app's models, built here minimally
so the statements tests do not depend on the invoices tests' factories.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory

from invoices.models import BillingAccount, Invoice
from statements.models import CreditNote, CreditNoteLine, Payment, PaymentAllocation
from tests.factories.portal import CompanyFactory


class BillingAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingAccount

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"BA-{n:05d}")
    name = factory.Sequence(lambda n: f"Billing account {n}")
    currency = "EUR"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    billing_account = factory.SubFactory(BillingAccountFactory)
    company = factory.SelfAttribute("billing_account.company")
    country = factory.SelfAttribute("company.country")
    number = factory.Sequence(lambda n: f"INV-{n:06d}")
    issue_date = date(2026, 1, 10)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + timedelta(days=30))
    currency = "EUR"
    subtotal = factory.LazyAttribute(lambda o: o.total)
    total = Decimal("100.00")


class CreditNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditNote
        skip_postgeneration_save = True

    billing_account = factory.SubFactory(BillingAccountFactory)
    company = factory.SelfAttribute("billing_account.company")
    number = factory.Sequence(lambda n: f"CN-{n:06d}")
    date = date(2026, 2, 10)
    currency = "EUR"
    amount = Decimal("10.00")
    reason = "Price correction"

    @factory.post_generation
    def with_line(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CreditNoteLine.objects.create(
                credit_note=self,
                position=1,
                description=self.reason or "Credit",
                quantity=1,
                unit_price=self.amount,
                line_total=self.amount,
            )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    billing_account = factory.SubFactory(BillingAccountFactory)
    company = factory.SelfAttribute("billing_account.company")
    reference = factory.Sequence(lambda n: f"PAY-{n:06d}")
    date = date(2026, 2, 15)
    currency = "EUR"
    amount = Decimal("50.00")
    status = Payment.Status.RECEIVED


class PaymentAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAllocation

    payment = factory.SubFactory(PaymentFactory)
    invoice = factory.SubFactory(
        InvoiceFactory,
        billing_account=factory.SelfAttribute("..payment.billing_account"),
        currency=factory.SelfAttribute("..payment.currency"),
    )
    amount = Decimal("50.00")
