"""Payments and credit notes recorded in Statements settle the invoice in Invoices too."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices.models import PaymentStatus
from statements.services import LineInput, credit_note_issue, payment_record
from tests.statements.factories import BillingAccountFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def test_partial_then_full_settlement_updates_the_invoice(company):
    account = BillingAccountFactory(company=company)
    invoice = InvoiceFactory(
        billing_account=account,
        total=Decimal("1200.00"),
        due_date=timezone.localdate() + timedelta(days=20),
    )
    payment_record(
        company=company,
        billing_account=account,
        reference="PAY-1",
        day=timezone.localdate(),
        amount=Decimal("500.00"),
        currency=invoice.currency,
        allocations=[(invoice, Decimal("500.00"))],
    )
    invoice.refresh_from_db()
    assert (
        invoice.amount_paid == Decimal("500.00")
        and invoice.payment_status == PaymentStatus.PARTIALLY_PAID
    )
    credit_note_issue(
        company=company,
        billing_account=account,
        number="CN-9",
        day=timezone.localdate(),
        currency=invoice.currency,
        invoice=invoice,
        lines=[LineInput("Returned part", Decimal("1"), Decimal("700.00"))],
    )
    invoice.refresh_from_db()
    assert invoice.payment_status == PaymentStatus.PAID and invoice.open_amount == Decimal("0.00")


def test_a_pending_payment_settles_nothing(company):
    account = BillingAccountFactory(company=company)
    invoice = InvoiceFactory(billing_account=account, total=Decimal("100.00"))
    payment_record(
        company=company,
        billing_account=account,
        reference="PAY-2",
        day=timezone.localdate(),
        amount=Decimal("100.00"),
        currency=invoice.currency,
        status="pending",
        allocations=[(invoice, Decimal("100.00"))],
    )
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("0.00") and invoice.payment_status != PaymentStatus.PAID
