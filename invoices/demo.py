"""Demo invoices (idempotent, keyed on invoice numbers): a dozen per demo company, with
lines, a mix of payment and approval statuses, and references to demo orders."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from invoices.models import (
    ApprovalStatus,
    BillingAccount,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    PaymentStatus,
)
from invoices.terms import PaymentTerm, due_date_for

PER_COMPANY = 12
COMPANIES = (("FR", "0100001"), ("US", "0200001"), ("DE", "0300001"), ("GB", "0400001"))
PARTS = [
    ("7042-CR8", "Hardware maintenance, 12 months", Decimal("1450.00")),
    ("5725-A22", "Software subscription and support", Decimal("830.00")),
    ("00MJ101", "Solid-state drive 1.92 TB", Decimal("612.50")),
    ("01PE403", "Memory module 32 GB", Decimal("289.90")),
    ("SVC-INST", "On-site installation, per hour", Decimal("125.00")),
    ("5737-H33", "Storage software licence", Decimal("2100.00")),
]
TAX = {"FR": Decimal("20.00"), "DE": Decimal("19.00"), "GB": Decimal("20.00"), "US": Decimal("0")}
# The payment term per country; the due date is the one the term gives.
TERMS = {"FR": PaymentTerm.EOM_30}


def _status(i: int, due, today) -> tuple[str, Decimal | None]:
    if i % 5 == 0:
        return PaymentStatus.PAID, None
    if i % 7 == 3:
        return PaymentStatus.PARTIALLY_PAID, Decimal("0.4")
    return (PaymentStatus.OVERDUE if due < today else PaymentStatus.OPEN), Decimal("0")


@transaction.atomic
def seed(world) -> None:  # noqa: ANN001 - portal.demo.World
    today = timezone.localdate()
    for prefix, customer_number in COMPANIES:
        company = world.companies.get(customer_number)
        if company is None:
            continue
        rng = random.Random(f"invoices-{customer_number}")
        account, _ = BillingAccount.objects.get_or_create(
            company=company,
            number=f"{customer_number}-01",
            defaults={"name": company.name, "currency": company.country.currency},
        )
        tax_rate = TAX.get(prefix, Decimal("20.00"))
        for i in range(PER_COMPANY):
            number = f"{prefix}-INV-{2026100 + i}"
            if Invoice.objects.for_company(company).filter(number=number).exists():
                continue
            issued = today - timedelta(days=5 + i * 9)
            term = TERMS.get(prefix, PaymentTerm.NET_30)
            due = due_date_for(term, issued)
            lines = []
            for position in range(1, rng.randint(2, 5) + 1):
                part, description, price = rng.choice(PARTS)
                quantity = Decimal(rng.randint(1, 4))
                lines.append(
                    InvoiceLine(
                        position=position,
                        part_number=part,
                        description=description,
                        quantity=quantity,
                        unit_price=price,
                        tax_rate=tax_rate,
                        line_total=quantity * price,
                    )
                )
            subtotal = sum((line.line_total for line in lines), Decimal("0"))
            tax = sum((line.tax_amount for line in lines), Decimal("0"))
            payment, paid_share = _status(i, due, today)
            total = subtotal + tax
            paid = total if paid_share is None else (total * paid_share).quantize(Decimal("0.01"))
            approval = (
                ApprovalStatus.APPROVED
                if i % 4 == 1
                else ApprovalStatus.REJECTED
                if i == 6
                else ApprovalStatus.TO_VERIFY
            )
            invoice = Invoice.objects.create(
                company=company,
                number=number,
                billing_account=account,
                country=company.country,
                issue_date=issued,
                due_date=due,
                currency=account.currency,
                subtotal=subtotal,
                tax_total=tax,
                total=total,
                amount_paid=paid,
                po_number=f"PO-{customer_number[-3:]}-{2026000 + i}",
                order_number=f"{prefix}{4500100 + i}" if i % 3 != 2 else "",
                terms=term,
                payment_status=payment,
                approval_status=approval,
            )
            for line in lines:
                line.invoice = invoice
            InvoiceLine.objects.bulk_create(lines)
            InvoiceEvent.objects.create(
                invoice=invoice, action=InvoiceEvent.Action.ISSUED, detail={"total": str(total)}
            )
