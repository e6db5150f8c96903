"""Demo credit notes and payments on the demo companies' billing accounts (idempotent).

Uses the invoices made by invoices/demo.py (seeded before this app); when a
company has none yet, a billing account and a few invoices are created through
the invoices models so the statement always has something to show.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from invoices.models import BillingAccount, Invoice
from statements.models import CreditNote, Payment
from statements.selectors import invoice_open_amount
from statements.services import LineInput, credit_note_issue, payment_record

COMPANIES = ["0100001", "0200001"]
DEMO_TOTALS = ["1200.00", "860.40", "2450.00", "315.99", "5400.00", "780.00"]


def _account(company) -> BillingAccount:
    account = BillingAccount.objects.for_company(company).order_by("number").first()
    if account is None:
        account, _ = BillingAccount.objects.get_or_create(
            company=company,
            number=f"{company.customer_number}-01",
            defaults={"name": company.name, "currency": company.country.currency},
        )
    return account


def _invoices(company, account) -> list[Invoice]:
    invoices = list(
        Invoice.objects.for_company(company)
        .filter(billing_account=account, currency=account.currency)
        .order_by("issue_date", "id")
    )
    if len(invoices) >= 4:
        return invoices
    today = timezone.localdate()
    for i, total in enumerate(DEMO_TOTALS):
        issued = today - timedelta(days=150 - 25 * i)
        Invoice.objects.get_or_create(
            company=company,
            number=f"SOA-{company.customer_number}-{i + 1:02d}",
            defaults={
                "billing_account": account,
                "country": company.country,
                "issue_date": issued,
                "due_date": issued + timedelta(days=30),
                "currency": account.currency,
                "subtotal": Decimal(total),
                "total": Decimal(total),
            },
        )
    return list(
        Invoice.objects.for_company(company)
        .filter(billing_account=account, currency=account.currency)
        .order_by("issue_date", "id")
    )


def _match_invoices_payments(company, account, invoices: list[Invoice]) -> None:
    """Invoices the invoices demo marks (partly) paid get the payment that paid them,
    so the statement and the invoices list tell the same story."""
    today = timezone.localdate()
    for invoice in invoices:
        reference = f"PAY-{invoice.number}"
        if invoice.amount_paid <= 0 or invoice.payment_allocations.exists():
            continue
        if Payment.objects.for_company(company).filter(reference=reference).exists():
            continue
        amount = min(invoice.amount_paid, invoice_open_amount(invoice))
        if amount <= 0:
            continue
        payment_record(
            company=company,
            billing_account=account,
            reference=reference,
            day=min(invoice.issue_date + timedelta(days=20), today),
            amount=amount,
            currency=invoice.currency,
            allocations=[(invoice, amount)],
        )


def _seed_company(company) -> None:
    account = _account(company)
    invoices = _invoices(company, account)
    _match_invoices_payments(company, account, invoices)
    code = company.customer_number
    currency = account.currency
    first, second, third = invoices[0], invoices[1], invoices[2]
    if not CreditNote.objects.for_company(company).filter(number=f"CN-{code}-001").exists():
        part = min(Decimal("120.00"), invoice_open_amount(first))
        if part > 0:
            credit_note_issue(
                company=company,
                billing_account=account,
                number=f"CN-{code}-001",
                day=first.issue_date + timedelta(days=12),
                currency=currency,
                invoice=first,
                reason="Service credit: maintenance window overrun",
                lines=[LineInput("Service credit (SLA)", Decimal("1"), part)],
            )
    if not CreditNote.objects.for_company(company).filter(number=f"CN-{code}-002").exists():
        credit_note_issue(
            company=company,
            billing_account=account,
            number=f"CN-{code}-002",
            day=third.issue_date + timedelta(days=5),
            currency=currency,
            reason="Goodwill credit",
            lines=[LineInput("Goodwill credit on next invoices", Decimal("2"), Decimal("25.00"))],
        )
    payments = [
        (
            f"PAY-{code}-001",
            first.issue_date + timedelta(days=28),
            [first],
            Payment.Status.RECEIVED,
        ),
        (
            f"PAY-{code}-002",
            second.issue_date + timedelta(days=35),
            [second],
            Payment.Status.RECEIVED,
        ),
        (f"PAY-{code}-003", third.issue_date + timedelta(days=20), [third], Payment.Status.PENDING),
    ]
    for reference, day, targets, status in payments:
        if Payment.objects.for_company(company).filter(reference=reference).exists():
            continue
        allocations = [(inv, invoice_open_amount(inv)) for inv in targets]
        allocations = [(inv, amount) for inv, amount in allocations if amount > 0]
        if status == Payment.Status.RECEIVED and reference.endswith("002") and allocations:
            inv, amount = allocations[0]
            allocations = [(inv, (amount / 2).quantize(Decimal("0.01")))]  # a partial payment
        amount = sum((a for _i, a in allocations), Decimal("0")) or Decimal("100.00")
        payment_record(
            company=company,
            billing_account=account,
            reference=reference,
            day=min(day, timezone.localdate()),
            amount=amount,
            currency=currency,
            status=status,
            allocations=allocations,
        )


@transaction.atomic
def seed(world) -> None:
    for number in COMPANIES:
        company = world.companies.get(number)
        if company is not None and company.country.offers("statements"):
            _seed_company(company)
