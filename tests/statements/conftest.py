"""A hand-computed ledger (February 2026) used by the balance, ageing and view tests.

EUR account: INV-5 (Dec, 40), INV-0 (Oct, 80), INV-1 (1000), INV-2 (500) before
February; in February INV-3 (+300), CN-1 on INV-1 (−100), CN-2 on INV-2 (−50),
PAY-1 received 600 split INV-1 400 / INV-2 200 (−600), PAY-3 received 120 not
allocated (−120); PAY-2 pending 250 for INV-3 in March (no effect). USD on the
same account: INV-4 700 and PAY-4 200 on it.

Opening 1,620.00; running 1,920 → 1,820 → 1,770 → 1,170 → 1,050; closing 1,050.00.
Ageing at 28 Feb: not due 300 (INV-3), 1–30 days 750 (INV-1 500 + INV-2 250),
31–60 days 40 (INV-5), 61–90 0, over 90 80 (INV-0); unapplied 120.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from statements.models import Payment
from tests.statements.factories import (
    BillingAccountFactory,
    CreditNoteFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)


@pytest.fixture
def ledger(company):
    account = BillingAccountFactory(company=company, number="BA-100", name="ACME Paris")
    inv = {}

    def invoice(key, issued, due, total, currency="EUR"):
        inv[key] = InvoiceFactory(
            billing_account=account,
            number=key,
            issue_date=issued,
            due_date=due,
            total=D(total),
            currency=currency,
        )
        return inv[key]

    invoice("INV-0", date(2025, 10, 1), date(2025, 10, 31), "80.00")
    invoice("INV-5", date(2025, 12, 1), date(2025, 12, 31), "40.00")
    invoice("INV-1", date(2026, 1, 10), date(2026, 2, 9), "1000.00")
    invoice("INV-2", date(2026, 1, 20), date(2026, 2, 19), "500.00")
    invoice("INV-3", date(2026, 2, 5), date(2026, 3, 7), "300.00")
    invoice("INV-4", date(2026, 2, 1), date(2026, 3, 3), "700.00", currency="USD")
    cn1 = CreditNoteFactory(
        billing_account=account,
        number="CN-1",
        date=date(2026, 2, 10),
        amount=D("100.00"),
        invoice=inv["INV-1"],
    )
    cn2 = CreditNoteFactory(
        billing_account=account,
        number="CN-2",
        date=date(2026, 2, 12),
        amount=D("50.00"),
        invoice=inv["INV-2"],
    )
    pay1 = PaymentFactory(
        billing_account=account, reference="PAY-1", date=date(2026, 2, 15), amount=D("600.00")
    )
    PaymentAllocationFactory(payment=pay1, invoice=inv["INV-1"], amount=D("400.00"))
    PaymentAllocationFactory(payment=pay1, invoice=inv["INV-2"], amount=D("200.00"))
    pay2 = PaymentFactory(
        billing_account=account,
        reference="PAY-2",
        date=date(2026, 3, 1),
        amount=D("250.00"),
        status=Payment.Status.PENDING,
    )
    PaymentAllocationFactory(payment=pay2, invoice=inv["INV-3"], amount=D("250.00"))
    pay3 = PaymentFactory(
        billing_account=account, reference="PAY-3", date=date(2026, 2, 20), amount=D("120.00")
    )
    pay4 = PaymentFactory(
        billing_account=account,
        reference="PAY-4",
        date=date(2026, 2, 25),
        amount=D("200.00"),
        currency="USD",
    )
    PaymentAllocationFactory(payment=pay4, invoice=inv["INV-4"], amount=D("200.00"))
    return {
        "account": account,
        "invoices": inv,
        "credit_notes": {"CN-1": cn1, "CN-2": cn2},
        "payments": {"PAY-1": pay1, "PAY-2": pay2, "PAY-3": pay3, "PAY-4": pay4},
    }
