"""The invoice image: a PDF rendered from the invoice's data, stored once per version.

The storage key is the invoice (per company), the language and
`invoice.document_version` (version + updated_at), so any change renders a new
image while repeated downloads, copies and ZIPs read the stored file.
"""

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils import translation

from invoices.models import Invoice
from invoices.sellers import seller_address, seller_for
from portal.documents import get_or_render, pdf_response, storage_name
from portal.files import serve_storage
from portal.references import resolve_reference

TEMPLATE = "pdf/invoices_invoice.html"


def supplier(company: Any = None, *, country_code: str | None = None) -> dict[str, Any]:
    """The selling entity for the company's country, with its address lines for printing
    (`address`, in the active language). Statements and credit notes print the same."""
    code = country_code or (company.country.code if company is not None else None)
    seller = seller_for(code)
    language = translation.get_language() or "en"
    seller["postal_address"] = seller_address(seller, language)
    seller["address"] = str(seller["postal_address"])
    seller["vat"] = seller.get("vat_number", "")
    return seller


def delivery_address(invoice: Invoice) -> Any:
    """Where the goods went: the ship-to site of the invoiced order, if the portal knows it."""
    order = resolve_reference(invoice.company, "orders", invoice.order_number)
    site = getattr(order, "ship_to", None)
    return site


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
    """Addresses are formatted when the PDF renders, in its language (country names)."""
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "company": invoice.company,
        "account": invoice.billing_account,
        "lines": lines,
        "taxes": tax_breakdown(lines),
        "supplier": supplier(invoice.company, country_code=invoice.country.code),
        "ship_to": delivery_address(invoice),
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


def facturx_storage_name(invoice: Invoice, *, language: str) -> str:
    """The invoice as Factur-X (PDF/A-3 + EN 16931 XML), stored once per version."""
    from invoices.facturx import invoice_document, stored_facturx

    return stored_facturx(
        key=document_key(invoice),
        version=invoice.document_version,
        language=language,
        template=TEMPLATE,
        context=context_for(invoice),
        document=lambda: invoice_document(invoice),
    )


def facturx_response(invoice: Invoice, *, language: str) -> HttpResponse:
    name = facturx_storage_name(invoice, language=language)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in invoice.number)
    return serve_storage(
        name, filename=f"factur-x-{safe}.pdf", content_type="application/pdf", inline=False
    )
