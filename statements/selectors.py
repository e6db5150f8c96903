"""Reads of Statements OnLine that are more than a queryset chain."""

from decimal import Decimal

from invoices.models import Invoice
from portal.applications import App
from portal.models import Company, Event, User
from statements.models import LedgerEntry


def invoice_open_amount(invoice: Invoice) -> Decimal:
    """What is still due on an invoice: total − received allocations − credit notes on it."""
    entry = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.INVOICE, source_id=invoice.pk).first()
    if entry is None or entry.open_amount is None:
        return invoice.total
    return entry.open_amount


def statement_recipients(company: Company) -> list[User]:
    """Users with the Statements authorization who chose the monthly statement."""
    users = User.objects.with_app(company, App.STATEMENTS)
    return [user for user in users if user.wants(Event.MONTHLY_STATEMENT)]
