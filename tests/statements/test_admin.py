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
    ]:
        assert agent_client.get(reverse(name, args=args)).status_code == 200
    for name in ["admin:statements_payment_add", "admin:statements_creditnote_add"]:
        assert agent_client.get(reverse(name)).status_code == 403


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


def test_payments_and_credit_notes_are_read_only_in_the_admin(agent_client, company):
    """They come from the back-office: a post (amount, allocation) is refused, nothing saved."""
    payment = PaymentFactory(billing_account__company=company, amount=Decimal("50.00"))
    invoice = InvoiceFactory(billing_account=payment.billing_account)
    url = reverse("admin:statements_payment_change", args=[payment.pk])
    page = agent_client.get(url).content.decode()
    assert 'name="amount"' not in page and 'name="company"' not in page
    form = _payment_form(payment, invoice, "30.00") | {"amount": "5.00"}
    assert agent_client.post(url, form).status_code == 403
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.amount == Decimal("50.00") and not payment.allocations.exists()
    note = CreditNoteFactory(billing_account__company=company)
    url = reverse("admin:statements_creditnote_change", args=[note.pk])
    assert agent_client.post(url, {"amount": "1.00"}).status_code == 403
