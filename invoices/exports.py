"""The columns of the invoice exports (list and lines): one definition for the page's
download, the background export job and any other spreadsheet of invoices."""

from django.utils.translation import gettext_lazy

from invoices.models import ApprovalStatus, Invoice, InvoiceLine, PaymentStatus
from portal.exports import Column


def _currency(invoice: Invoice) -> str:
    return invoice.currency


def _line_currency(line: InvoiceLine) -> str:
    return line.invoice.currency


def invoice_columns(disputed: set[str] | None = None) -> list[Column]:
    """The export's columns. Status labels are translated once per export, not per row
    (get_FOO_display hashes lazy choices on every call: the slowest part of a 100k export)."""
    payment = {k: str(v) for k, v in PaymentStatus.choices}
    approval = {k: str(v) for k, v in ApprovalStatus.choices}
    disputed_label = approval[ApprovalStatus.DISPUTED]

    def approval_of(invoice: Invoice) -> str:
        if disputed is not None:
            is_disputed = invoice.number in disputed
        else:
            is_disputed = getattr(invoice, "is_disputed", False)
        return disputed_label if is_disputed else approval[invoice.approval_status]

    return [
        Column(gettext_lazy("Invoice number"), lambda i: i.number),
        Column(gettext_lazy("Billing account"), lambda i: i.billing_account.number),
        Column(gettext_lazy("Issue date"), lambda i: i.issue_date),
        Column(gettext_lazy("Due date"), lambda i: i.due_date),
        Column(gettext_lazy("Currency"), lambda i: i.currency),
        # Every amount column is summed per currency in the XLSX totals row, as an
        # accounts department reconciles it: net (HT) + tax (TVA) = total (TTC), and
        # total - paid = open; "Total" and "Open amount" are the list page's totals.
        Column(gettext_lazy("Subtotal"), lambda i: i.subtotal, currency=_currency, total=True),
        Column(gettext_lazy("Tax"), lambda i: i.tax_total, currency=_currency, total=True),
        Column(gettext_lazy("Total"), lambda i: i.total, currency=_currency, total=True),
        Column(
            gettext_lazy("Amount paid"), lambda i: i.amount_paid, currency=_currency, total=True
        ),
        Column(
            gettext_lazy("Open amount"), lambda i: i.open_amount, currency=_currency, total=True
        ),
        Column(gettext_lazy("Purchase order"), lambda i: i.po_number),
        Column(gettext_lazy("Order"), lambda i: i.order_number),
        Column(gettext_lazy("Contract"), lambda i: i.contract_number),
        Column(gettext_lazy("Payment status"), lambda i: payment[i.payment_status]),
        Column(gettext_lazy("Approval status"), approval_of),
    ]


LINE_COLUMNS = [
    Column(gettext_lazy("Invoice number"), lambda li: li.invoice.number),
    Column(gettext_lazy("Issue date"), lambda li: li.invoice.issue_date),
    Column(gettext_lazy("Due date"), lambda li: li.invoice.due_date),
    Column(gettext_lazy("Currency"), lambda li: li.invoice.currency),
    Column(gettext_lazy("Line"), lambda li: li.position),
    Column(gettext_lazy("Part number"), lambda li: li.part_number),
    Column(gettext_lazy("Description"), lambda li: li.description),
    Column(gettext_lazy("Quantity"), lambda li: li.quantity),
    Column(gettext_lazy("Unit price"), lambda li: li.unit_price, currency=_line_currency),
    Column(gettext_lazy("Tax rate (%)"), lambda li: li.tax_rate),
    # The lines' net amounts, summed per currency: the invoices' subtotals (HT).
    Column(
        gettext_lazy("Line total"), lambda li: li.line_total, currency=_line_currency, total=True
    ),
    Column(gettext_lazy("Purchase order"), lambda li: li.invoice.po_number),
    Column(gettext_lazy("Order"), lambda li: li.invoice.order_number),
]
