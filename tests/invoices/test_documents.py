"""The invoice as a document: seller per country, French legal mentions, payment terms that
match the due date, paper size per country, Factur-X, and what the invoice page shows."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from facturx import get_xml_from_pdf, xml_check_xsd
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from invoices import facturx, rendering
from invoices.disputes import invoice_dispute
from invoices.issuing import invoice_issue
from invoices.models import Invoice, InvoiceEvent
from invoices.terms import PaymentTerm, due_date_for
from portal.models import Notification
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, SiteFactory, member
from tests.invoices.factories import BillingAccountFactory, InvoiceFactory
from tests.statements.factories import CreditNoteFactory, PaymentAllocationFactory

pytestmark = pytest.mark.django_db

NS = {
    "rsm": facturx.RSM,
    "ram": facturx.RAM,
}


def _french_company():
    return CompanyFactory(
        name="ACME France SA",
        street="12 rue de la Paix",
        postal_code="75002",
        city="Paris",
        billing_street="Comptabilité fournisseurs\n40 avenue des Terroirs de France",
        billing_postal_code="75012",
        billing_city="Paris",
        legal_id="732 829 320",
        establishment_id="732 829 320 00074",
        vat_number="FR44732829320",
        trade_register="RCS Paris 732 829 320",
    )


def _us_company():
    us = CountryFactory(code="US", name="United States", name_fr="États-Unis", currency="USD")
    return CompanyFactory(
        name="Globex Corporation",
        country=us,
        street="350 Fifth Avenue",
        postal_code="10118",
        city="New York",
        region="NY",
        legal_id="12-3456789",
    )


def _issue(company, **extra):
    account = BillingAccountFactory(company=company, currency=company.country.currency)
    lines = [
        {
            "part_number": "7042-CR8",
            "description": "Maintenance",
            "quantity": 2,
            "unit_price": "1450.00",
            "tax_rate": "20" if company.country.code != "US" else "0",
        },
        {
            "part_number": "SVC",
            "description": "Installation",
            "quantity": 3,
            "unit_price": "125.00",
            "tax_rate": "20" if company.country.code != "US" else "0",
        },
    ]
    return invoice_issue(
        company=company,
        billing_account=account,
        number=extra.pop("number", "FA-2026-001"),
        issue_date=extra.pop("issue_date", date(2026, 3, 12)),
        lines=lines,
        **extra,
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


# --- payment terms ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_thirty_days_end_of_month_is_end_of_month_plus_thirty_days(issued):
    due = due_date_for(PaymentTerm.EOM_30, issued)
    end_of_month = (issued.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert due == end_of_month + timedelta(days=30)
    assert due_date_for(PaymentTerm.NET_30, issued) == issued + timedelta(days=30)


def test_issue_computes_the_due_date_from_the_term_and_refuses_one_that_disagrees():
    company = _french_company()
    invoice = _issue(company, terms=PaymentTerm.EOM_30)
    assert invoice.due_date == date(2026, 4, 30)  # 31 March + 30 days
    with pytest.raises(Exception) as caught:
        _issue(company, number="FA-2", terms=PaymentTerm.EOM_30, due_date=date(2026, 4, 11))
    assert "30/04/2026" in str(caught.value) or "04/30/2026" in str(caught.value)


def test_every_demo_invoice_prints_a_term_that_matches_its_due_date():
    from invoices import demo
    from portal.demo import seed_platform

    demo.seed(seed_platform())
    for invoice in Invoice.objects.all():
        if invoice.terms:
            assert invoice.due_date == due_date_for(invoice.terms, invoice.issue_date)


# --- the French invoice ---------------------------------------------------------------


def test_french_invoice_is_a_credible_french_b2b_invoice():
    company = _french_company()
    site = SiteFactory(
        company=company,
        name="Lyon Part-Dieu",
        street="129 rue Servient",
        postal_code="69003",
        city="Lyon",
        country=company.country,
    )
    invoice = _issue(company, terms=PaymentTerm.EOM_30)
    text = _text(rendering.pdf_bytes(invoice, language="fr"))
    flat = " ".join(text.split())
    # seller identity
    for fragment in (
        "IBM France SAS",
        "SIREN 552 118 465",
        "SIRET 552 118 465 03644",
        "RCS Nanterre 552 118 465",
        "FR58552118465",
        "92270 Bois-Colombes",
    ):
        assert fragment in flat, fragment
    # buyer identity and billing address (not the company name three times)
    for fragment in (
        "SIREN 732 829 320",
        "SIRET 732 829 320 00074",
        "RCS Paris 732 829 320",
        "FR44732829320",
        "40 avenue des Terroirs de France",
        "75012 Paris",
    ):
        assert fragment in flat, fragment
    assert flat.count("ACME France SA") <= 2
    # terms match the due date; statutory late-payment mentions
    assert "30 jours fin de mois" in flat and "30 avril 2026" in flat
    assert "40 EUR" in flat and "majoré de 10 points" in flat
    assert "Pas d'escompte" in flat
    assert _page_size(rendering.pdf_bytes(invoice, language="fr")) == (595, 842)  # A4
    assert site.name not in flat  # no order: delivered to the registered address
    assert "12 rue de la Paix" in flat


def test_english_pdf_prints_english_terms():
    invoice = _issue(_french_company(), terms=PaymentTerm.EOM_30)
    flat = " ".join(_text(rendering.pdf_bytes(invoice, language="en")).split())
    assert "30 days end of month: payable by April 30, 2026" in flat
    assert "fin de mois" not in flat
    assert "fixed indemnity of 40 EUR" in flat


# --- the US invoice -------------------------------------------------------------------


def test_us_invoice_is_issued_by_the_us_entity_on_letter_paper():
    invoice = _issue(_us_company(), terms=PaymentTerm.NET_30, number="US-1")
    pdf = rendering.pdf_bytes(invoice, language="en")
    flat = " ".join(_text(pdf).split())
    assert _page_size(pdf) == (612, 792)  # Letter
    assert "IBM Corporation" in flat and "Armonk, NY 10504" in flat
    assert "IBM France" not in flat and "FR58" not in flat and "IBAN" not in flat
    assert "ABA routing number" in flat and "Sales tax" in flat
    # The buyer's address in the US order: street, "City, ST ZIP", country.
    assert "350 Fifth Avenue New York, NY 10118 United States" in flat
    assert "40 EUR" not in flat


def test_address_is_formatted_per_country():
    us = _us_company()
    assert us.postal_address("en").lines() == [
        "350 Fifth Avenue",
        "New York, NY 10118",
        "United States",
    ]
    fr = _french_company()
    assert fr.postal_address("fr").lines() == ["12 rue de la Paix", "75002 Paris", "France"]


# --- Factur-X -------------------------------------------------------------------------


def _xml_totals(xml: bytes) -> dict[str, Decimal]:
    root = etree.fromstring(xml)
    summation = root.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    return {child.tag.split("}")[1]: Decimal(child.text) for child in summation}


def test_invoice_factur_x_download_validates_and_its_totals_are_the_invoice(client):
    company = _french_company()
    invoice = _issue(company, terms=PaymentTerm.EOM_30)
    user = member(company)
    login(client, user, company)
    response = client.get(reverse("invoices:facturx", args=[invoice.number]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    filename, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    totals = _xml_totals(xml)
    assert totals["LineTotalAmount"] == invoice.subtotal == Decimal("3275.00")
    assert totals["TaxTotalAmount"] == invoice.tax_total
    assert totals["GrandTotalAmount"] == invoice.total
    metadata = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid" in metadata and b"A" in metadata  # declared PDF/A-3
    assert b"urn:factur-x" in metadata.lower() or b"factur-x" in metadata.lower()
    # the same figures are printed on the PDF
    flat = " ".join(_text(pdf).split())
    assert "3,930.00 EUR" in flat


def test_credit_note_factur_x_is_a_validated_381_naming_the_credited_invoice(client):
    company = _french_company()
    invoice = _issue(company, terms=PaymentTerm.EOM_30)
    note = CreditNoteFactory(
        billing_account=invoice.billing_account, invoice=invoice, amount=Decimal("120.00")
    )
    login(client, member(company), company)
    response = client.get(reverse("statements:credit_note_facturx", args=[note.number]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:TypeCode", namespaces=NS) == "381"
    assert invoice.number.encode() in xml
    totals = _xml_totals(xml)
    assert totals["GrandTotalAmount"] == Decimal("120.00")
    assert totals["TaxBasisTotalAmount"] + totals["TaxTotalAmount"] == Decimal("120.00")


def test_every_demo_invoice_and_credit_note_has_a_valid_factur_x_xml_with_its_totals():
    from invoices import demo
    from portal.demo import seed_platform
    from statements import demo as statements_demo
    from statements.models import CreditNote

    world = seed_platform()
    demo.seed(world)
    statements_demo.seed(world)
    for invoice in Invoice.objects.select_related("company__country", "country"):
        xml = facturx.build_xml(facturx.invoice_document(invoice))
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
        totals = _xml_totals(xml)
        assert totals["LineTotalAmount"] == invoice.subtotal
        assert totals["TaxTotalAmount"] == invoice.tax_total
        assert totals["GrandTotalAmount"] == invoice.total
        root = etree.fromstring(xml)
        lines = root.findall(
            ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", NS
        )
        assert sum(Decimal(n.text) for n in lines) == invoice.subtotal
        seller = root.findtext(".//ram:SellerTradeParty/ram:Name", namespaces=NS)
        expected = "IBM Corporation" if invoice.country.code == "US" else None
        if expected:
            assert seller == expected
    notes = list(CreditNote.objects.select_related("company__country", "invoice"))
    assert notes
    for note in notes:
        xml = facturx.build_xml(facturx.credit_note_document(note))
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert _xml_totals(xml)["GrandTotalAmount"] == note.amount


def test_factur_x_of_another_company_is_a_404(client, company, other_company):
    theirs = InvoiceFactory(company=other_company, number="F-THEIRS")
    login(client, member(company), company)
    assert client.get(reverse("invoices:facturx", args=[theirs.number])).status_code == 404


# --- the invoice page: what settled it, the dispute ------------------------------------


def test_invoice_page_shows_payments_and_credit_notes_with_links(client, company):
    invoice = InvoiceFactory(company=company, number="F-SETTLED")
    allocation = PaymentAllocationFactory(
        payment__billing_account=invoice.billing_account,
        invoice=invoice,
        amount=Decimal("700.00"),
        payment__amount=Decimal("700.00"),
    )
    note = CreditNoteFactory(billing_account=invoice.billing_account, invoice=invoice)
    login(client, member(company), company)
    page = client.get(invoice.get_absolute_url()).text
    assert allocation.payment.get_absolute_url() in page
    assert reverse("statements:credit_note_pdf", args=[note.number]) in page
    assert reverse("statements:credit_note_facturx", args=[note.number]) in page


def test_dispute_is_shown_with_its_lines_and_closing_it_tells_the_requester(client, company):
    from requests_inbox.models import Request
    from requests_inbox.services import request_set_status

    invoice = InvoiceFactory(
        company=company,
        number="F-DISPUTED",
        lines=[{"description": "Right line"}, {"description": "Wrong line"}],
    )
    requester = member(company, role="approver")
    dispute = invoice_dispute(
        company=company,
        number=invoice.number,
        user=requester,
        reason="Line 2 is wrong",
        line_positions=[2],
    )
    login(client, requester, company)
    page = client.get(invoice.get_absolute_url()).text
    assert reverse("requests_inbox:detail", args=[dispute.number]) in page
    assert page.count('class="line--disputed"') == 1
    mail.outbox.clear()
    request_set_status(  # an agent closes it in the queue
        request=Request.objects.get(pk=dispute.pk), status="closed", actor=None
    )
    assert InvoiceEvent.objects.filter(
        invoice=invoice, action=InvoiceEvent.Action.DISPUTE_CLOSED
    ).exists()
    row = Notification.objects.get(template="invoices_dispute_closed")
    assert row.recipient == requester.email
    assert invoice.number in row.context["number"]
    page = client.get(invoice.get_absolute_url()).text
    assert 'class="line--disputed"' not in page
    assert "Dispute closed" in page


_generated = iter(range(1_000_000))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=500),  # quantity
            st.decimals(min_value="0.01", max_value="99999.99", places=2),  # unit price
            st.sampled_from(["0", "5.5", "10", "20"]),  # tax rate
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["FR", "US"]),
)
def test_generated_invoices_have_a_valid_factur_x_whose_totals_are_the_invoice(lines, country):
    company = _us_company() if country == "US" else _french_company()
    account = BillingAccountFactory(company=company, currency=company.country.currency)
    invoice = invoice_issue(
        company=company,
        billing_account=account,
        number=f"GEN-{next(_generated)}",
        issue_date=date(2026, 1, 31),
        terms=PaymentTerm.EOM_30,
        lines=[
            {"description": f"Item {i}", "quantity": q, "unit_price": str(p), "tax_rate": r}
            for i, (q, p, r) in enumerate(lines, start=1)
        ],
    )
    xml = facturx.build_xml(facturx.invoice_document(invoice))
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    totals = _xml_totals(xml)
    assert totals["LineTotalAmount"] == totals["TaxBasisTotalAmount"] == invoice.subtotal
    assert totals["TaxTotalAmount"] == invoice.tax_total
    assert totals["GrandTotalAmount"] == totals["DuePayableAmount"] == invoice.total
    assert invoice.total == invoice.subtotal + invoice.tax_total
    root = etree.fromstring(xml)
    line_totals = root.findall(
        ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", NS
    )
    assert sum(Decimal(n.text) for n in line_totals) == invoice.subtotal
    settlement = root.find(".//ram:ApplicableHeaderTradeSettlement", NS)
    header_taxes = settlement.findall("ram:ApplicableTradeTax", NS)
    assert sum(
        Decimal(t.findtext("ram:CalculatedAmount", namespaces=NS)) for t in header_taxes
    ) == (invoice.tax_total)
    assert sum(Decimal(t.findtext("ram:BasisAmount", namespaces=NS)) for t in header_taxes) == (
        invoice.subtotal
    )
    assert invoice.due_date == date(2026, 3, 2)  # 31 January + 30 days
