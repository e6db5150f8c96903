from datetime import date
from decimal import Decimal as D

import pytest

from statements.ledger import StatementLines, StatementQuery, ageing, iter_lines, totals
from statements.models import LedgerEntry
from tests.statements.factories import PaymentAllocationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

FEB = {"start": date(2026, 2, 1), "end": date(2026, 2, 28)}


def _query(ledger, currency="EUR", **kw):
    account = ledger["account"]
    return StatementQuery(
        company_id=account.company_id,
        account_id=account.pk,
        currency=currency,
        **{**FEB, **kw},
    )


def test_opening_closing_and_period_totals(ledger):
    t = totals(_query(ledger))
    assert t.opening == D("1620.00")
    assert t.debit == D("300.00")
    assert t.credit == D("870.00")
    assert t.closing == D("1050.00")


def test_running_balance_in_date_order(ledger):
    q = _query(ledger)
    lines = StatementLines(q, totals(q).opening)
    assert lines.count() == 5
    rows = [(line.number, line.balance) for line in lines[0:50]]
    assert rows == [
        ("INV-3", D("1920.00")),
        ("CN-1", D("1820.00")),
        ("CN-2", D("1770.00")),
        ("PAY-1", D("1170.00")),
        ("PAY-3", D("1050.00")),
    ]


def test_pending_payment_is_listed_without_changing_the_balance(ledger):
    q = _query(ledger, start=date(2026, 3, 1), end=date(2026, 3, 31))
    t = totals(q)
    rows = StatementLines(q, t.opening)[0:10]
    # one rule: a pending payment is shown apart (pending), it is not a credit
    assert [(r.number, r.status, r.credit, r.pending, r.balance) for r in rows] == [
        ("PAY-2", "pending", D("0.00"), D("250.00"), D("1050.00"))
    ]
    assert (t.opening, t.debit, t.credit, t.pending, t.closing) == (
        D("1050.00"),
        D("0.00"),
        D("0.00"),
        D("250.00"),
        D("1050.00"),
    )


def test_currencies_are_never_added(ledger):
    usd = _query(ledger, currency="USD")
    t = totals(usd)
    assert (t.opening, t.debit, t.credit, t.closing) == (
        D("0.00"),
        D("700.00"),
        D("200.00"),
        D("500.00"),
    )
    assert [line.number for line in StatementLines(usd, t.opening)[0:10]] == ["INV-4", "PAY-4"]


def test_ageing_buckets_by_days_overdue(ledger):
    a = ageing(_query(ledger), as_of=date(2026, 2, 28))
    assert (a.not_due, a.days_1_30, a.days_31_60, a.days_61_90, a.over_90) == (
        D("300.00"),
        D("750.00"),
        D("40.00"),
        D("0.00"),
        D("80.00"),
    )
    assert a.unapplied == D("120.00")
    assert a.total_open - a.unapplied == totals(_query(ledger)).closing


def test_ageing_as_of_an_earlier_date_ignores_later_payments_and_credits(ledger):
    a = ageing(_query(ledger), as_of=date(2026, 1, 31))
    # at 31 January nothing of February exists: INV-1 1000 and INV-2 500 not yet due
    assert a.not_due == D("1500.00")
    assert a.days_31_60 == D("40.00")  # INV-5 due 31 Dec: 31 days
    assert a.over_90 == D("80.00")  # INV-0 due 31 Oct: 92 days
    assert a.unapplied == D("0.00")


def test_invoice_status_follows_allocations_and_credit_notes(ledger):
    entries = {e.number: e for e in LedgerEntry.objects.filter(kind="invoice")}
    assert entries["INV-1"].open_amount == D("500.00")
    assert entries["INV-4"].open_amount == D("500.00")
    assert entries["INV-3"].status == "open"  # the pending payment does not settle it
    assert entries["INV-5"].status == "open"
    pay = PaymentFactory(billing_account=ledger["account"], amount=D("40.00"))
    PaymentAllocationFactory(payment=pay, invoice=ledger["invoices"]["INV-5"], amount=D("40.00"))
    assert LedgerEntry.objects.get(kind="invoice", number="INV-5").status == "paid"


def test_filters_search_and_sort_keep_the_true_running_balance(ledger):
    q = _query(ledger, kind="payment")
    rows = StatementLines(q, totals(q).opening)[0:10]
    assert [(r.number, r.balance) for r in rows] == [
        ("PAY-1", D("1170.00")),
        ("PAY-3", D("1050.00")),
    ]
    q = _query(ledger, q="cn-")
    assert [r.number for r in StatementLines(q, D(0))[0:10]] == ["CN-1", "CN-2"]
    q = _query(ledger, q="INV-1")  # the invoice and the credit note that credits it
    assert [r.number for r in StatementLines(q, D(0))[0:10]] == ["CN-1"]
    q = _query(ledger, status="open")
    assert [r.number for r in StatementLines(q, D(0))[0:10]] == ["INV-3"]
    q = _query(ledger, sort="-credit")
    rows = StatementLines(q, totals(q).opening)[0:10]
    assert [r.number for r in rows] == ["PAY-1", "PAY-3", "CN-1", "CN-2", "INV-3"]
    assert rows[0].balance == D("1170.00")


def test_search_is_literal(ledger):
    q = _query(ledger, q="%")
    assert StatementLines(q, D(0)).count() == 0


def test_iter_lines_streams_every_line(ledger):
    q = _query(ledger)
    assert [line.balance for line in iter_lines(q, D("1620.00"), chunk_size=2)][-1] == D("1050.00")
