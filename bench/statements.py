"""Statements OnLine at scale: one company with 300,000 ledger entries.

10 billing accounts (8 in EUR, 2 in USD) over five years; per account 15,000
invoices, 3,000 credit notes (half of them on an invoice) and 12,000 payments
(allocated to invoices, some partial, some pending). Measured: the statement of
the busiest year of an account (first page, a sort, a filter, a search, a deep
page), the account list, and the streamed CSV of an account's whole ledger.
Targets: constant query count, p95 < 150 ms; the CSV streams with flat memory.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.urls import reverse
from django.utils.http import urlencode

from bench.core import Context, Page

NAME = "statements"
# A company of its own: the ledger's 150,000 invoices would otherwise join the invoices
# bench's 100,000 in one company and measure a list 2.5 times the size the issue sets.
OWN_COMPANY = ("9900003", "Bench Ledger SA")
ACCOUNTS = 10
INVOICES = 150_000
CREDIT_NOTES = 30_000
PAYMENTS = 120_000
BATCH = 5000
PREFIX = "BST"
YEARS = 5


def _account_number(i: int) -> str:
    return f"{PREFIX}-{i + 1:02d}"


def seed(ctx: Context) -> None:
    """Bulk-create the dataset for ctx.company (idempotent: skipped when already there)."""
    from invoices.models import BillingAccount, Invoice
    from statements.models import CreditNote, Payment, PaymentAllocation

    company = ctx.company
    n_invoices, n_notes, n_payments = ctx.n(INVOICES), ctx.n(CREDIT_NOTES), ctx.n(PAYMENTS)
    ctx.extra["statements_account"] = _account_number(0)
    notes = CreditNote.objects.for_company(company).filter(number__startswith=PREFIX)
    if (
        Payment.objects.for_company(company).filter(reference__startswith=PREFIX).count()
        >= n_payments
        and notes.filter(billing_account__number=_account_number(1)).exists()
    ):
        return
    rng = random.Random(7)
    today = datetime.date.today()
    first_day = today - datetime.timedelta(days=365 * YEARS)
    span = (today - first_day).days
    accounts = []
    for i in range(ACCOUNTS):
        account, _ = BillingAccount.objects.get_or_create(
            company=company,
            number=_account_number(i),
            defaults={"name": f"Bench account {i + 1}", "currency": "USD" if i >= 8 else "EUR"},
        )
        accounts.append(account)
    with transaction.atomic():
        PaymentAllocation.objects.filter(
            payment__company=company, payment__reference__startswith=PREFIX
        ).delete()
        Payment.objects.for_company(company).filter(reference__startswith=PREFIX).delete()
        CreditNote.objects.for_company(company).filter(number__startswith=PREFIX).delete()
        Invoice.objects.for_company(company).filter(number__startswith=PREFIX).delete()

    def day(i: int, n: int) -> datetime.date:
        return first_day + datetime.timedelta(days=(i * span) // n)

    totals: list[Decimal] = []
    for start in range(0, n_invoices, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, n_invoices)):
            account = accounts[i % ACCOUNTS]
            total = Decimal(rng.randint(5_000, 500_000)) / 100
            totals.append(total)
            issued = day(i, n_invoices)
            batch.append(
                Invoice(
                    company=company,
                    number=f"{PREFIX}-I{i:07d}",
                    billing_account=account,
                    country=company.country,
                    issue_date=issued,
                    due_date=issued + datetime.timedelta(days=30),
                    currency=account.currency,
                    subtotal=total,
                    total=total,
                )
            )
        Invoice.objects.bulk_create(batch, batch_size=BATCH)
    invoice_ids = dict(
        Invoice.objects.for_company(company)
        .filter(number__startswith=f"{PREFIX}-I")
        .values_list("number", "id")
    )

    def invoice_id(i: int) -> int:
        return invoice_ids[f"{PREFIX}-I{i:07d}"]

    credited: dict[int, Decimal] = {}
    for start in range(0, n_notes, BATCH):
        batch = []
        for k in range(start, min(start + BATCH, n_notes)):
            i = min(k * 5 + k % 5, n_invoices - 1)  # about every fifth invoice, all accounts
            account = accounts[i % ACCOUNTS]
            on_invoice = k % 2 == 0
            amount = (totals[i] / 10).quantize(Decimal("0.01"))
            if on_invoice:
                credited[i] = amount
            batch.append(
                CreditNote(
                    company=company,
                    number=f"{PREFIX}-C{k:07d}",
                    billing_account=account,
                    invoice_id=invoice_id(i) if on_invoice else None,
                    date=min(day(i, n_invoices) + datetime.timedelta(days=10), today),
                    currency=account.currency,
                    amount=amount,
                    reason="Bench credit",
                )
            )
        CreditNote.objects.bulk_create(batch, batch_size=BATCH)
    for start in range(0, n_payments, BATCH):
        with transaction.atomic():
            batch = []
            plans = []
            for p in range(start, min(start + BATCH, n_payments)):
                i = (p * n_invoices) // n_payments  # payments follow the invoices in time
                account = accounts[i % ACCOUNTS]
                due = totals[i] - credited.get(i, Decimal("0"))
                amount = due if p % 4 else (due / 2).quantize(Decimal("0.01"))  # some partial
                status = "pending" if p % 25 == 0 else "received"
                batch.append(
                    Payment(
                        company=company,
                        reference=f"{PREFIX}-P{p:07d}",
                        billing_account=account,
                        date=min(day(i, n_invoices) + datetime.timedelta(days=25), today),
                        method="transfer",
                        currency=account.currency,
                        amount=amount,
                        status=status,
                    )
                )
                plans.append((i, amount))
            payments = Payment.objects.bulk_create(batch, batch_size=BATCH)
            PaymentAllocation.objects.bulk_create(
                [
                    PaymentAllocation(payment=payment, invoice_id=invoice_id(i), amount=amount)
                    for payment, (i, amount) in zip(payments, plans, strict=True)
                ],
                batch_size=BATCH,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "invoices_invoice",
                "statements_creditnote",
                "statements_payment",
                "statements_paymentallocation",
            ):
                # the rows of a previous run are dead: vacuum so index scans skip them
                cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 - fixed table names


def pages(ctx: Context) -> list[Page]:
    from portal.company_cache import company_changed

    account = ctx.extra.get("statements_account", _account_number(0))
    last_year = datetime.date.today().year - 1
    statement = reverse("statements:statement", kwargs={"account": account, "currency": "EUR"})
    year = {"period": "custom", "start": f"{last_year}-01-01", "end": f"{last_year}-12-31"}
    everything = {
        "period": "custom",
        "start": f"{last_year - 6}-01-01",
        "end": f"{last_year + 1}-12-31",
    }
    csv = reverse(
        "statements:statement_export", kwargs={"account": account, "currency": "EUR", "fmt": "csv"}
    )
    target = 150
    return [
        Page("statements: accounts", reverse("statements:list"), target_p95_ms=target),
        Page("statements: a year", f"{statement}?{urlencode(year)}", target_p95_ms=target),
        Page(  # the first visit after a change: balances read from the ledger again
            "statements: a year (totals computed)",
            f"{statement}?{urlencode(year)}",
            target_p95_ms=target,
            before=lambda: company_changed(ctx.company.pk),
        ),
        Page(
            "statements: accounts (balances computed)",
            reverse("statements:list"),
            target_p95_ms=target,
            before=lambda: company_changed(ctx.company.pk),
        ),
        Page(
            "statements: a year sorted by credit",
            f"{statement}?{urlencode({**year, 'sort': '-credit'})}",
            target_p95_ms=target,
        ),
        Page(
            "statements: a year, open invoices",
            f"{statement}?{urlencode({**year, 'status': 'open', 'type': 'invoice'})}",
            target_p95_ms=target,
        ),
        Page(
            "statements: a year, search",
            f"{statement}?{urlencode({**year, 'q': f'{PREFIX}-P00'})}",
            target_p95_ms=target,
        ),
        Page(
            "statements: a year, page 40",
            f"{statement}?{urlencode({**year, 'page': 40})}",
            target_p95_ms=target,
        ),
        Page(
            "statements: CSV of the whole ledger",
            f"{csv}?{urlencode(everything)}",
            streaming=True,
        ),
    ]
