"""Factur-X (EN 16931 profile): the invoice PDF as PDF/A-3 with its CII XML embedded.

French accounts-payable software imports the XML, so every figure in it is the
invoice's own (lines, tax per rate, totals): the XML and the printed PDF come
from the same rows. Credit notes are type 381 and name the invoice they credit.
The XML is checked against the EN 16931 schema shipped with the `factur-x`
library before it is embedded; a file that would not validate is never served.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from portal.addresses import PostalAddress
from portal.documents import render_pdf_bytes, storage_name

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
CENT = Decimal("0.01")
INVOICE, CREDIT_NOTE = "380", "381"


@dataclass
class Line:
    position: int
    name: str
    part_number: str
    quantity: Decimal
    unit_price: Decimal
    net_total: Decimal
    tax_rate: Decimal


@dataclass
class TaxRow:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass
class Document:
    """What the XML says, in one place: built from an invoice or a credit note."""

    type_code: str
    number: str
    issue_date: date
    currency: str
    seller: dict[str, Any]
    buyer: Any  # portal.Company
    buyer_address: PostalAddress
    ship_to: Any | None
    lines: list[Line]
    taxes: list[TaxRow]
    line_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    due_date: date | None = None
    terms_text: str = ""
    po_number: str = ""
    contract_number: str = ""
    credited_number: str = ""
    credited_date: date | None = None
    notes: tuple[tuple[str, str], ...] = ()


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{name}"


def _el(parent: etree._Element, tag: str, text: Any = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, _q(tag), **attrs)
    if text is not None:
        node.text = str(text)
    return node


def _amount(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


def _date(parent: etree._Element, tag: str, value: date, *, kind: str = "udt") -> None:
    holder = _el(parent, tag)
    _el(holder, f"{kind}:DateTimeString", value.strftime("%Y%m%d"), format="102")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _category(seller: dict[str, Any], rate: Decimal) -> str:
    """S standard rate; Z zero rate under VAT; O outside the scope of VAT (US sales tax)."""
    if seller.get("tax_scheme") == "sales_tax":
        return "O"
    return "S" if rate > 0 else "Z"


def _address(parent: etree._Element, address: PostalAddress) -> None:
    node = _el(parent, "ram:PostalTradeAddress")
    if address.postal_code:
        _el(node, "ram:PostcodeCode", address.postal_code)
    street = [line for line in address.street.splitlines() if line.strip()]
    for tag, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), street, strict=False):
        _el(node, tag, text.strip())
    if address.city:
        _el(node, "ram:CityName", address.city)
    _el(node, "ram:CountryID", address.country_code.upper())
    if address.region:
        _el(node, "ram:CountrySubDivisionName", address.region)


def _party(
    parent: etree._Element,
    tag: str,
    *,
    name: str,
    country: str,
    legal_id: str,
    address: PostalAddress,
    vat: str,
    tax_id: str = "",
) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", name)
    if legal_id and country == "FR":
        org = _el(node, "ram:SpecifiedLegalOrganization")
        _el(org, "ram:ID", _digits(legal_id)[:9], schemeID="0002")  # SIREN
    _address(node, address)
    if vat:
        reg = _el(node, "ram:SpecifiedTaxRegistration")
        _el(reg, "ram:ID", _digits(vat), schemeID="VA")
    elif tax_id:
        reg = _el(node, "ram:SpecifiedTaxRegistration")
        _el(reg, "ram:ID", tax_id, schemeID="FC")


def build_xml(doc: Document) -> bytes:
    """The CII XML of `doc` (EN 16931 profile)."""
    root = etree.Element(_q("rsm:CrossIndustryInvoice"), nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    for subject, content in doc.notes:
        note = _el(header, "ram:IncludedNote")
        _el(note, "ram:Content", content)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.position)
        product = _el(item, "ram:SpecifiedTradeProduct")
        if line.part_number:
            _el(product, "ram:SellerAssignedID", line.part_number)
        _el(product, "ram:Name", line.name)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", _amount(line.unit_price))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", f"{line.quantity.normalize():f}", unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        category = _category(doc.seller, line.tax_rate)
        _el(tax, "ram:CategoryCode", category)
        if category != "O":
            _el(tax, "ram:RateApplicablePercent", _amount(line.tax_rate))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.net_total))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.po_number:
        _el(agreement, "ram:BuyerReference", doc.po_number)
    seller = doc.seller
    _party(
        agreement,
        "ram:SellerTradeParty",
        name=seller["name"],
        country=seller["country_code"],
        legal_id=seller.get("legal_id", ""),
        address=seller["postal_address"],
        vat=seller.get("vat_number", ""),
        tax_id=seller.get("legal_id", ""),
    )
    buyer = doc.buyer
    _party(
        agreement,
        "ram:BuyerTradeParty",
        name=buyer.name,
        country=buyer.country.code,
        legal_id=buyer.legal_id,
        address=doc.buyer_address,
        vat=buyer.vat_number,
    )
    if doc.po_number:
        _el(
            _el(agreement, "ram:BuyerOrderReferencedDocument"),
            "ram:IssuerAssignedID",
            doc.po_number,
        )
    if doc.contract_number:
        contract = _el(agreement, "ram:ContractReferencedDocument")
        _el(contract, "ram:IssuerAssignedID", doc.contract_number)

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.ship_to is not None:
        ship = _el(delivery, "ram:ShipToTradeParty")
        _el(ship, "ram:Name", f"{buyer.name} · {doc.ship_to.name}")
        _address(ship, doc.ship_to.postal_address())

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:PaymentReference", doc.number)
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    if seller.get("payment") == "ach":
        _el(means, "ram:TypeCode", "30")  # credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:ProprietaryID", seller.get("account_number", ""))
    else:
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", _digits(seller.get("iban", "")))
        if seller.get("bic"):
            bank = _el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _el(bank, "ram:BICID", seller["bic"])
    for row in doc.taxes:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(row.tax))
        _el(tax, "ram:TypeCode", "VAT")
        category = _category(seller, row.rate)
        if category == "O":
            _el(tax, "ram:ExemptionReason", "Not subject to VAT")
        _el(tax, "ram:BasisAmount", _amount(row.base))
        _el(tax, "ram:CategoryCode", category)
        if category == "O":
            _el(tax, "ram:ExemptionReasonCode", "VATEX-EU-O")
        else:
            _el(tax, "ram:RateApplicablePercent", _amount(row.rate))
    if doc.due_date or doc.terms_text:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if doc.terms_text:
            _el(terms, "ram:Description", doc.terms_text)
        if doc.due_date:
            _date(terms, "ram:DueDateDateTime", doc.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(doc.line_total))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(doc.line_total))
    _el(totals, "ram:TaxTotalAmount", _amount(doc.tax_total), currencyID=doc.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(doc.grand_total))
    _el(totals, "ram:DuePayableAmount", _amount(doc.grand_total))
    if doc.credited_number:
        ref = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(ref, "ram:IssuerAssignedID", doc.credited_number)
        if doc.credited_date:
            _date(ref, "ram:FormattedIssueDateTime", doc.credited_date, kind="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _french_notes(seller: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The mandatory French mentions, as the notes French AP software looks for."""
    if seller.get("late_payment") != "fr":
        return ()
    return (
        ("AAB", _("No discount for early payment.")),
        (
            "PMD",
            _(
                "Late payment: penalties at the European Central Bank's most recent "
                "refinancing rate plus 10 percentage points are due from the day after the "
                "due date (French Commercial Code, art. L441-10), together with a fixed "
                "indemnity of 40 EUR for recovery costs (art. D441-5)."
            ),
        ),
        ("PMT", _("Fixed indemnity for recovery costs in case of late payment: 40 EUR.")),
    )


def invoice_document(invoice: Any) -> Document:
    """The invoice as the XML states it; lines, taxes and totals are the stored ones."""
    from invoices.rendering import delivery_address, supplier, tax_breakdown

    lines = list(invoice.lines.all())
    seller = supplier(invoice.company, country_code=invoice.country.code)
    if invoice.terms:
        terms_text = f"{invoice.get_terms_display()}"
    else:
        terms_text = ""
    return Document(
        type_code=INVOICE,
        number=invoice.number,
        issue_date=invoice.issue_date,
        currency=invoice.currency,
        seller=seller,
        buyer=invoice.company,
        buyer_address=invoice.company.billing_postal_address(),
        ship_to=delivery_address(invoice),
        lines=[
            Line(
                position=line.position,
                name=line.description,
                part_number=line.part_number,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_total=line.line_total,
                tax_rate=line.tax_rate,
            )
            for line in lines
        ],
        taxes=[TaxRow(rate=t["rate"], base=t["base"], tax=t["tax"]) for t in tax_breakdown(lines)],
        line_total=invoice.subtotal,
        tax_total=invoice.tax_total,
        grand_total=invoice.total,
        due_date=invoice.due_date,
        terms_text=terms_text,
        po_number=invoice.po_number,
        contract_number=invoice.contract_number,
        notes=_french_notes(seller),
    )


def _credit_rate(credit_note: Any) -> Decimal:
    """The tax rate included in a credit note's amount: the credited invoice's (its most
    used rate), else the rate of the account's latest invoice, else none."""
    invoice = credit_note.invoice
    if invoice is None:
        invoice = credit_note.billing_account.invoices.order_by("-issue_date").first()
    if invoice is None:
        return Decimal("0")
    rates = list(invoice.lines.values_list("tax_rate", flat=True))
    return max(set(rates), key=rates.count) if rates else Decimal("0")


def credit_note_document(credit_note: Any) -> Document:
    """A credit note's amount is what it takes off the balance, tax included; the XML
    splits it into net and tax at the credited invoice's rate (the total stays exact)."""
    from invoices.rendering import supplier

    company = credit_note.company
    seller = supplier(company)
    rate = _credit_rate(credit_note)
    divisor = 1 + rate / 100
    items: Iterable[Any] = list(credit_note.lines.all())
    lines = [
        Line(
            position=line.position,
            name=line.description,
            part_number="",
            quantity=line.quantity,
            unit_price=(line.unit_price / divisor).quantize(CENT, ROUND_HALF_UP),
            net_total=(line.line_total / divisor).quantize(CENT, ROUND_HALF_UP),
            tax_rate=rate,
        )
        for line in items
    ]
    if not lines:
        lines = [
            Line(
                position=1,
                name=credit_note.reason or _("Credit note"),
                part_number="",
                quantity=Decimal("1"),
                unit_price=(credit_note.amount / divisor).quantize(CENT, ROUND_HALF_UP),
                net_total=(credit_note.amount / divisor).quantize(CENT, ROUND_HALF_UP),
                tax_rate=rate,
            )
        ]
    net = sum((line.net_total for line in lines), Decimal("0"))
    tax = credit_note.amount - net
    credited = credit_note.invoice
    return Document(
        type_code=CREDIT_NOTE,
        number=credit_note.number,
        issue_date=credit_note.date,
        currency=credit_note.currency,
        seller=seller,
        buyer=company,
        buyer_address=company.billing_postal_address(),
        ship_to=None,
        lines=lines,
        taxes=[TaxRow(rate=rate, base=net, tax=tax)],
        line_total=net,
        tax_total=tax,
        grand_total=credit_note.amount,
        credited_number=credited.number if credited else "",
        credited_date=credited.issue_date if credited else None,
    )


def check_xml(xml: bytes) -> None:
    """Raise if the XML does not validate against the Factur-X EN 16931 schema."""
    from facturx import xml_check_xsd

    xml_check_xsd(xml, flavor="factur-x", level="en16931")


def facturx_pdf(pdf: bytes, xml: bytes, *, language: str) -> bytes:
    from facturx import generate_from_binary

    return generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, lang=language
    )


def stored_facturx(
    *,
    key: str,
    version: str,
    language: str,
    template: str,
    context: dict[str, Any],
    document: Callable[[], Document],
) -> str:
    """Render (PDF/A-3b), embed the XML, store once per version and language; the name.

    `document` is called in `language`, so the XML's texts match the printed ones."""
    name = storage_name(f"{key}/facturx", language=language, version=version)
    if default_storage.exists(name):
        return name
    with translation.override(language):
        xml = build_xml(document())
    pdf = render_pdf_bytes(template, context, language=language, pdf_variant="pdf/a-3b")
    saved = default_storage.save(name, ContentFile(facturx_pdf(pdf, xml, language=language)))
    if saved != name:  # a concurrent render won the race: keep one copy
        default_storage.delete(saved)
    return name
