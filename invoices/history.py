"""The invoice's history rows and the e-mail context the invoice services share."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import formats, translation

from invoices.models import Invoice, InvoiceEvent
from portal.models import User
from portal.money import format_money
from portal.notify import absolute_url

CENT = Decimal("0.01")


def history_write(invoice: Invoice, action: str, actor: User | None, **detail: Any) -> InvoiceEvent:
    return InvoiceEvent.objects.create(invoice=invoice, action=action, actor=actor, detail=detail)


def invoice_path(invoice: Invoice) -> str:
    """The invoice's page, for the notification centre (behind the gate)."""
    return reverse("invoices:detail", kwargs={"number": invoice.number})


def money_text(value: Decimal) -> str:
    """An amount as stored in the history (two decimals, no locale)."""
    return str(value.quantize(CENT))


def mail_context(invoice: Invoice, language: str) -> dict[str, Any]:
    """Plain strings only (the outbox stores JSON), formatted in the recipient's language."""
    with translation.override(language):
        return {
            "number": invoice.number,
            "company_name": invoice.company.name,
            "total": format_money(invoice.total),
            "open_amount": format_money(invoice.open_amount),
            "currency": invoice.currency,
            "issue_date": formats.date_format(invoice.issue_date, "DATE_FORMAT"),
            "due_date": formats.date_format(invoice.due_date, "DATE_FORMAT"),
            "url": absolute_url("invoices:detail", number=invoice.number),
        }
