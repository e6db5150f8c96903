"""Statements OnLine state changes: credit notes, payments and the monthly statement e-mail.

Credit notes and payments are recorded by agents (admin) or imports; the rules
here keep every amount inside one company, billing account and currency, and
never let an invoice be settled for more than is open on it.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.models import BillingAccount, Invoice, PaymentStatus
from invoices.rendering import supplier
from portal.applications import App
from portal.business_days import first_business_day
from portal.documents import get_or_render
from portal.models import Company, Event, Notification, User
from portal.notify import notify
from statements.ledger import StatementQuery, money
from statements.models import CreditNote, CreditNoteLine, LedgerEntry, Payment, PaymentAllocation
from statements.periods import previous_month
from statements.selectors import invoice_open_amount, statement_recipients
from statements.statement import statement_document_context

log = logging.getLogger(__name__)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)


def invoice_settlement_sync(*, invoice: Invoice) -> None:
    """Keep the invoice's paid amount and payment status in step with the ledger
    (received allocations and credit notes), so both applications tell the same story."""
    open_amount = invoice_open_amount(invoice)
    settled = invoice.total - open_amount
    if open_amount <= 0:
        status = PaymentStatus.PAID
    elif invoice.payment_status == PaymentStatus.OVERDUE or invoice.due_date < timezone.localdate():
        status = PaymentStatus.OVERDUE
    elif settled > 0:
        status = PaymentStatus.PARTIALLY_PAID
    else:
        status = PaymentStatus.OPEN
    Invoice.objects.filter(pk=invoice.pk).update(
        amount_paid=settled, payment_status=status, updated_at=timezone.now()
    )


def _check_account(company: Company, account: BillingAccount) -> None:
    if account.company_id != company.pk:
        raise ValidationError(
            _("This billing account belongs to another company."), code="foreign_account"
        )


@transaction.atomic
def credit_note_issue(
    *,
    company: Company,
    billing_account: BillingAccount,
    number: str,
    day: date,
    currency: str,
    lines: Iterable[LineInput],
    invoice: Invoice | None = None,
    reason: str = "",
) -> CreditNote:
    """Record a credit note; on an invoice it may not credit more than is open on it."""
    _check_account(company, billing_account)
    lines = list(lines)
    if not lines:
        raise ValidationError(_("A credit note needs at least one line."), code="no_lines")
    amount = sum((line.total for line in lines), Decimal("0.00"))
    if amount <= 0:
        raise ValidationError(_("A credit note's amount must be positive."), code="amount")
    if CreditNote.objects.for_company(company).filter(number=number).exists():
        raise ValidationError(_("This credit note number is already used."), code="duplicate")
    if invoice is not None:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if amount > invoice_open_amount(invoice):
            raise ValidationError(
                _("The credit note is larger than what is open on invoice %(number)s.")
                % {"number": invoice.number},
                code="over_credit",
            )
    note = CreditNote(
        company=company,
        billing_account=billing_account,
        invoice=invoice,
        number=number,
        date=day,
        currency=currency,
        amount=amount,
        reason=reason,
    )
    note.full_clean()
    note.save()
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            credit_note=note,
            position=i,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.total,
        )
        for i, line in enumerate(lines, start=1)
    )
    if invoice is not None:
        invoice_settlement_sync(invoice=invoice)
    return note


@transaction.atomic
def payment_record(
    *,
    company: Company,
    billing_account: BillingAccount,
    reference: str,
    day: date,
    amount: Decimal,
    currency: str,
    method: str = Payment.Method.TRANSFER,
    status: str = Payment.Status.RECEIVED,
    allocations: Iterable[tuple[Invoice, Decimal]] = (),
) -> Payment:
    """Record a payment and what it settles; allocations never exceed the payment or an invoice."""
    _check_account(company, billing_account)
    allocations = list(allocations)
    if amount <= 0:
        raise ValidationError(_("A payment's amount must be positive."), code="amount")
    if Payment.objects.for_company(company).filter(reference=reference).exists():
        raise ValidationError(_("This payment reference is already used."), code="duplicate")
    if sum((a for _i, a in allocations), Decimal("0")) > amount:
        raise ValidationError(
            _("The allocations add up to more than the payment."), code="over_allocated"
        )
    payment = Payment(
        company=company,
        billing_account=billing_account,
        reference=reference,
        date=day,
        amount=amount,
        currency=currency,
        method=method,
        status=status,
    )
    payment.full_clean()
    payment.save()
    locked = Invoice.objects.select_for_update().in_bulk([i.pk for i, _a in allocations])
    for invoice, part in allocations:
        invoice = locked[invoice.pk]
        if part > invoice_open_amount(invoice):
            raise ValidationError(
                _("%(amount)s is more than what is open on invoice %(number)s.")
                % {"amount": part, "number": invoice.number},
                code="over_allocated",
            )
        allocation = PaymentAllocation(payment=payment, invoice=invoice, amount=part)
        allocation.full_clean()
        allocation.save()
        if status == Payment.Status.RECEIVED:
            invoice_settlement_sync(invoice=invoice)
    return payment


# --- The monthly statement ------------------------------------------------------


def monthly_dedupe_key(account: BillingAccount, user: User, month_start: date) -> str:
    return f"statements:monthly:{account.pk}:{user.pk}:{month_start:%Y-%m}"


def _statement_pdf(
    company: Company,
    account: BillingAccount,
    currency: str,
    start: date,
    end: date,
    *,
    language: str,
) -> tuple[str, dict[str, Any]]:
    query = StatementQuery(
        company_id=company.pk, account_id=account.pk, currency=currency, start=start, end=end
    )
    context = statement_document_context(query, today=end, lines=True)
    context.update(company=company, account=account, currency=currency, supplier=supplier(company))
    name = get_or_render(
        "pdf/statements_statement.html",
        context,
        key=f"statements/{company.pk}/{account.pk}/{currency}/{start:%Y%m%d}-{end:%Y%m%d}-monthly",
        language=language,
        version=context["totals"].version,
    )
    return name, context


def company_monthly_statements(*, company: Company, today: date) -> int:
    """Send last month's statements of one company; returns how many e-mails were queued.

    One e-mail per user and billing account (a PDF per currency), keyed by
    `monthly_dedupe_key`: a second run, or a run later in the month, finds the
    key and sends nothing again.
    """
    start, end = previous_month(today)
    recipients = statement_recipients(company)
    if not recipients:
        return 0
    rows = (
        LedgerEntry.objects.for_company(company)
        .filter(date__lte=end)
        .values("billing_account_id", "currency")
        .annotate(
            closing=Sum("signed_amount"),
            moves=Count("id", filter=Q(date__gte=start)),
        )
        .order_by("billing_account_id", "currency")
    )
    wanted: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        closing = money(row["closing"])
        if row["moves"] or closing:
            wanted.setdefault(row["billing_account_id"], []).append(
                {"currency": row["currency"], "closing": closing}
            )
    if not wanted:
        return 0
    accounts = BillingAccount.objects.for_company(company).in_bulk(list(wanted))
    keys = {
        (account_id, user.pk): monthly_dedupe_key(accounts[account_id], user, start)
        for account_id in wanted
        for user in recipients
    }
    done = set(
        Notification.objects.filter(dedupe_key__in=list(keys.values())).values_list(
            "dedupe_key", flat=True
        )
    )
    queued = 0
    for account_id, currencies in wanted.items():
        account = accounts[account_id]
        for user in recipients:
            key = keys[(account_id, user.pk)]
            if key in done:
                continue
            language = user.preferred_language
            attachments = []
            for entry in currencies:
                name, _context = _statement_pdf(
                    company, account, entry["currency"], start, end, language=language
                )
                attachments.append(
                    {
                        "storage_name": name,
                        "filename": f"statement-{account.number}-{entry['currency']}-{start:%Y-%m}.pdf",
                        "content_type": "application/pdf",
                    }
                )
            path = reverse(
                "statements:statement",
                kwargs={"account": account.number, "currency": currencies[0]["currency"]},
            )
            path += f"?period=custom&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
            with transaction.atomic():
                queued_row = notify(
                    event=Event.MONTHLY_STATEMENT,
                    template="statements_monthly",
                    recipient=user,
                    company=company,
                    context={
                        "company": company.name,
                        "account": account.number,
                        "account_name": account.name,
                        "month": f"{start:%m/%Y}",
                        "balances": [
                            {"currency": e["currency"], "closing": str(e["closing"])}
                            for e in currencies
                        ],
                        "url": settings.PORTAL_BASE_URL.rstrip("/") + path,
                    },
                    attachments=attachments,
                    dedupe_key=key,
                    link=path,
                )
            if queued_row is not None:
                queued += 1
    return queued


def monthly_statements_send(*, today: date | None = None) -> int:
    """Daily: from the first business day of the month on, send last month's statements.

    Running on any later day of the month still sends what has not been sent (a
    day of beat downtime does not skip the month); the dedupe keys make every
    further run a no-op.
    """
    today = today or timezone.localdate()
    queued = 0
    for company in Company.objects.select_related("country").order_by("pk"):
        if not company.country.offers(App.STATEMENTS):
            continue
        if today < first_business_day(today.year, today.month, company.country):
            continue
        try:
            queued += company_monthly_statements(company=company, today=today)
        except Exception:  # one company's failure must not stop the others; next run retries
            log.exception("monthly statements failed", extra={"company": company.pk})
    return queued
