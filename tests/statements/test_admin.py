"""Agents record credit notes and payments with allocations in the admin."""

from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from portal.agents import make_agent
from statements.models import Payment
from tests.conftest import login_agent
from tests.factories.portal import UserFactory
from tests.statements.factories import CreditNoteFactory, InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    user = UserFactory(email="agent@supplier.test")
    make_agent([user])
    TOTP.activate(user, generate_totp_secret())
    login_agent(client, user)
    return client


def test_agent_sees_credit_notes_and_payments(agent_client, company):
    note = CreditNoteFactory(billing_account__company=company)
    payment = PaymentFactory(billing_account__company=company)
    for name, args in [
        ("admin:statements_creditnote_changelist", []),
        ("admin:statements_creditnote_change", [note.pk]),
        ("admin:statements_payment_changelist", []),
        ("admin:statements_payment_change", [payment.pk]),
        ("admin:statements_payment_add", []),
    ]:
        assert agent_client.get(reverse(name, args=args)).status_code == 200


def _payment_form(payment, invoice, amount):
    return {
        "company": payment.company_id,
        "reference": payment.reference,
        "billing_account": payment.billing_account_id,
        "date": "2026-02-15",
        "method": "transfer",
        "currency": payment.currency,
        "amount": str(payment.amount),
        "status": "received",
        "allocations-TOTAL_FORMS": "1",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
        "allocations-0-invoice": invoice.pk,
        "allocations-0-amount": amount,
    }


def test_agent_allocates_a_payment(agent_client, company):
    payment = PaymentFactory(billing_account__company=company, amount=Decimal("50.00"))
    invoice = InvoiceFactory(billing_account=payment.billing_account)
    url = reverse("admin:statements_payment_change", args=[payment.pk])
    response = agent_client.post(url, _payment_form(payment, invoice, "30.00"))
    assert response.status_code == 302
    assert Payment.objects.get(pk=payment.pk).allocations.get().amount == Decimal("30.00")


def test_allocation_above_the_payment_or_to_another_account_is_refused(agent_client, company):
    payment = PaymentFactory(billing_account__company=company, amount=Decimal("50.00"))
    invoice = InvoiceFactory(billing_account=payment.billing_account)
    url = reverse("admin:statements_payment_change", args=[payment.pk])
    response = agent_client.post(url, _payment_form(payment, invoice, "80.00"))
    assert response.status_code == 200
    assert "The allocations add up to more than the payment." in response.content.decode()
    elsewhere = InvoiceFactory(billing_account__company=company)
    response = agent_client.post(url, _payment_form(payment, elsewhere, "10.00"))
    assert "The invoice must be on the payment&#x27;s billing account." in response.content.decode()
    assert not payment.allocations.exists()
