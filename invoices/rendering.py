"""The invoice image: a PDF rendered from the invoice's data, stored once per version.

The storage key is the invoice (per company), the language and
`invoice.document_version` (version + updated_at), so any change renders a new
image while repeated downloads, copies and ZIPs read the stored file.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse

from invoices.models import Invoice
from portal.documents import get_or_render, pdf_response, storage_name
from portal.files import serve_storage

TEMPLATE = "pdf/invoices_invoice.html"

# The supplier printed on every invoice; INVOICE_SUPPLIER (a JSON object in the
# environment) replaces any of these keys.
DEFAULT_SUPPLIER = {
    "name": "IBM France SAS",
    "address": "17 avenue de l'Europe\n92275 Bois-Colombes Cedex\nFrance",
    "vat": "FR 58 552 118 465",
    "iban": "FR76 3000 4000 0100 0000 0000 000",
    "bic": "BNPAFRPPXXX",
}


def supplier() -> dict[str, str]:
    return {**DEFAULT_SUPPLIER, **settings.INVOICE_SUPPLIER}


def tax_breakdown(lines: list[Any]) -> list[dict[str, Decimal]]:
    """Taxable base and tax per rate, as printed under the lines."""
    rates: dict[Decimal, dict[str, Decimal]] = {}
    for line in lines:
        row = rates.setdefault(
            line.tax_rate, {"rate": line.tax_rate, "base": Decimal("0"), "tax": Decimal("0")}
        )
        row["base"] += line.line_total
        row["tax"] += line.tax_amount
    return [rates[k] for k in sorted(rates)]


def context_for(invoice: Invoice) -> dict[str, Any]:
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "company": invoice.company,
        "account": invoice.billing_account,
        "lines": lines,
        "taxes": tax_breakdown(lines),
        "supplier": supplier(),
    }


def document_key(invoice: Invoice) -> str:
    return f"invoices/{invoice.company_id}/{invoice.number}"


def filename(invoice: Invoice) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in invoice.number)
    return f"invoice-{safe}.pdf"


def pdf_storage_name(invoice: Invoice, *, language: str) -> str:
    """Render once (per version and language) and return the stored file's name.

    The stored image is looked up first, so a cached read costs no query for the lines."""
    name = storage_name(document_key(invoice), language=language, version=invoice.document_version)
    if default_storage.exists(name):
        return name
    return get_or_render(
        TEMPLATE,
        context_for(invoice),
        key=document_key(invoice),
        language=language,
        version=invoice.document_version,
    )


def pdf_bytes(invoice: Invoice, *, language: str) -> bytes:
    with default_storage.open(pdf_storage_name(invoice, language=language), "rb") as fh:
        return fh.read()


def invoice_pdf_response(invoice: Invoice, *, language: str, inline: bool) -> HttpResponse:
    """Serve the stored image; the lines are read only when it must be rendered."""
    name = storage_name(document_key(invoice), language=language, version=invoice.document_version)
    if default_storage.exists(name):
        return serve_storage(
            name, filename=filename(invoice), content_type="application/pdf", inline=inline
        )
    return pdf_response(
        TEMPLATE,
        context_for(invoice),
        key=document_key(invoice),
        language=language,
        version=invoice.document_version,
        filename=filename(invoice),
        inline=inline,
    )
