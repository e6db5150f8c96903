"""The columns of the statement spreadsheets (the page's downloads and their job)."""

from django.utils.translation import gettext_lazy as _

from portal.exports import Column


def _currency(line) -> str:
    return line.currency


EXPORT_COLUMNS = [
    Column(_("Date"), lambda line: line.date),
    Column(_("Type"), lambda line: line.kind_label),
    Column(_("Number"), lambda line: line.number),
    Column(_("Reference"), lambda line: line.reference),
    Column(_("Due date"), lambda line: line.due_date),
    Column(_("Currency"), lambda line: line.currency),
    Column(_("Debit"), lambda line: line.debit, currency=_currency, total=True),
    Column(_("Credit"), lambda line: line.credit, currency=_currency, total=True),
    Column(_("Pending"), lambda line: line.pending or None, currency=_currency, total=True),
    Column(_("Balance"), lambda line: line.balance, currency=_currency),
    Column(_("Open amount"), lambda line: line.open_amount, currency=_currency),
    Column(_("Status"), lambda line: line.status_label),
]
