"""Issuing invoices: a new invoice with its lines and totals, the e-mail to the users who
asked for new invoices, and the totals computed again after an agent's edit."""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from invoices.history import CENT, history_write, invoice_path, mail_context, money_text
from invoices.models import BillingAccount, Invoice, InvoiceEvent, InvoiceLine
from invoices.terms import PaymentTerm, due_date_for
from portal.applications import App
from portal.models import Company, Event, User
from portal.notify import notify


@transaction.atomic
def invoice_issue(
    *,
    company: Company,
    billing_account: BillingAccount,
    number: str,
    issue_date: date,
    due_date: date | None = None,
    lines: Sequence[dict[str, Any]],
    terms: str = "",
    currency: str | None = None,
    po_number: str = "",
    order_number: str = "",
    contract_number: str = "",
    payment_terms: str = "",
    actor: User | None = None,
) -> Invoice:
    """Create an invoice with its lines and totals; e-mail the users who asked for new invoices.

    `lines`: dicts with part_number, description, quantity, unit_price, tax_rate.
    With `terms` (a PaymentTerm) the due date is computed from the issue date; a due
    date given as well must be the one the term gives (the invoice prints both).
    """
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Please give an invoice number."), code="no_number")
    if billing_account.company_id != company.pk:
        raise ValidationError(_("This billing account is not the company's."), code="foreign")
    if Invoice.objects.for_company(company).filter(number=number).exists():
        raise ValidationError(
            _("Invoice %(number)s already exists.") % {"number": number}, code="duplicate"
        )
    if terms:
        if terms not in PaymentTerm.values:
            raise ValidationError(_("Unknown payment term."), code="bad_terms")
        expected = due_date_for(terms, issue_date)
        if due_date is not None and due_date != expected:
            raise ValidationError(
                _("With the term “%(term)s” the due date is %(date)s, not %(given)s.")
                % {
                    "term": PaymentTerm(terms).label,
                    "date": formats.date_format(expected, "SHORT_DATE_FORMAT"),
                    "given": formats.date_format(due_date, "SHORT_DATE_FORMAT"),
                },
                code="due_mismatch",
            )
        due_date = expected
    if due_date is None:
        raise ValidationError(_("Please give a due date or a payment term."), code="no_due")
    if due_date < issue_date:
        raise ValidationError(_("The due date is before the issue date."), code="due_before")
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."), code="no_lines")
    invoice = Invoice(
        company=company,
        number=number,
        billing_account=billing_account,
        country=company.country,
        issue_date=issue_date,
        due_date=due_date,
        currency=currency or billing_account.currency,
        po_number=po_number,
        order_number=order_number,
        contract_number=contract_number,
        payment_terms=payment_terms,
        terms=terms,
    )
    built = []
    subtotal = tax_total = Decimal("0")
    for position, data in enumerate(lines, start=1):
        quantity = Decimal(str(data.get("quantity", 1)))
        unit_price = Decimal(str(data["unit_price"]))
        tax_rate = Decimal(str(data.get("tax_rate", "20")))
        line_total = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
        line = InvoiceLine(
            position=position,
            part_number=data.get("part_number", ""),
            description=data["description"],
            quantity=quantity,
            unit_price=unit_price,
            tax_rate=tax_rate,
            line_total=line_total,
        )
        subtotal += line_total
        tax_total += line.tax_amount
        built.append(line)
    invoice.subtotal = subtotal
    invoice.tax_total = tax_total
    invoice.total = subtotal + tax_total
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    history_write(invoice, InvoiceEvent.Action.ISSUED, actor, total=money_text(invoice.total))
    invoice_announce(invoice=invoice)
    return invoice


def invoice_announce(*, invoice: Invoice) -> int:
    """E-mail the company's invoices users who opted in; once per invoice and user
    (dedupe key), so the agents' admin action may be used again safely."""
    company = invoice.company
    if not company.country.offers(App.INVOICES):
        return 0
    sent = 0
    for user in User.objects.with_app(company, App.INVOICES):
        row = notify(
            event=Event.INVOICE_NEW,
            template="invoices_new",
            recipient=user,
            company=company,
            context=mail_context(invoice, user.preferred_language),
            dedupe_key=f"invoices:new:{invoice.pk}:{user.pk}",
            link=invoice_path(invoice),
        )
        sent += row is not None
    return sent


@transaction.atomic
def invoice_recompute(
    *, invoice: Invoice, actor: User | None, changes: Sequence[str] = ()
) -> Invoice:
    """After an agent edited an invoice or its lines: totals from the lines, a new
    version (its PDF is rendered again, stale approval forms are refused), history."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    subtotal = tax_total = Decimal("0")
    for line in invoice.lines.all():
        subtotal += line.line_total
        tax_total += line.tax_amount
    invoice.subtotal, invoice.tax_total = subtotal, tax_total
    invoice.total = subtotal + tax_total
    invoice.version += 1
    invoice.save()
    history_write(invoice, InvoiceEvent.Action.CHANGED, actor, fields=list(changes))
    return invoice
