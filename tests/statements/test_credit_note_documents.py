"""Every credit note of the demo, in French and in English: its PDF is a credit note a
French accounts department books (both parties' legal identity, net, tax per rate and
total) and prints the very figures of the Factur-X XML it embeds."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from portal.models import Role
from statements.models import CreditNote
from tests.conftest import login
from tests.factories.portal import member

pytestmark = pytest.mark.django_db

RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
AMOUNT = {"en": r"\d{1,3}(?:,\d{3})*\.\d\d", "fr": r"\d{1,3}(?:\s\d{3})*,\d\d"}
LABELS = {  # net, total: as the invoice prints them
    ("en", "vat"): ("Total excluding VAT", "Total credited"),
    ("fr", "vat"): ("Total HT", "Total crédité"),
    ("en", "sales_tax"): ("Subtotal", "Total credited"),
    ("fr", "sales_tax"): ("Sous-total", "Total crédité"),
}


@pytest.fixture
def demo(db, settings):
    settings.COMPANY_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())


def _amount(text: str, language: str) -> Decimal:
    if language == "fr":
        return Decimal(re.sub(r"\s", "", text).replace(",", "."))
    return Decimal(text.replace(",", ""))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_demo_credit_note_prints_the_figures_of_its_factur_x(client, demo, language):
    notes = list(CreditNote.objects.select_related("company__country").order_by("number"))
    assert notes
    for note in notes:
        user = member(
            note.company,
            role=Role.VIEWER,
            email=f"notes-{note.pk}-{language}@demo.test",
            preferred_language=language,
        )
        login(client, user, note.company)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        pdf = _body(client.get(reverse("statements:credit_note_pdf", args=[note.number])))
        facturx = _body(client.get(reverse("statements:credit_note_facturx", args=[note.number])))
        _name, xml = get_xml_from_pdf(facturx, check_xsd=False)
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
        root = etree.fromstring(xml)
        summation = root.find(f".//{{{RAM}}}SpecifiedTradeSettlementHeaderMonetarySummation")
        xml_totals = {child.tag.split("}")[1]: Decimal(child.text) for child in summation}
        assert xml_totals["GrandTotalAmount"] == note.amount
        scheme = "sales_tax" if note.company.country.code == "US" else "vat"
        net_label, total_label = LABELS[(language, scheme)]
        number = AMOUNT[language]
        for document in (pdf, facturx):  # the copy and the Factur-X print the same
            flat = _text(document)
            net = re.search(re.escape(net_label) + rf" ({number}) {note.currency}", flat)
            total = re.search(re.escape(total_label) + rf" ({number}) {note.currency}", flat)
            assert net and total, (note.number, language, flat[-500:])
            taxes = re.findall(
                rf"% \w+ {number} {note.currency} ({number}) {note.currency}", flat[net.end() :]
            )
            printed_tax = sum((_amount(t, language) for t in taxes), Decimal(0))
            assert _amount(net.group(1), language) == xml_totals["TaxBasisTotalAmount"]
            assert printed_tax == xml_totals["TaxTotalAmount"]
            assert _amount(total.group(1), language) == xml_totals["GrandTotalAmount"]
            assert xml_totals["TaxBasisTotalAmount"] + printed_tax == note.amount
        if note.company.country.code == "FR":
            flat = _text(pdf)
            for fragment in ("SIREN", "SIRET", "RCS", note.company.vat_number):
                assert flat.count(fragment) >= 2 or fragment == note.company.vat_number, fragment
            assert note.company.vat_number in flat
            if note.invoice:
                assert note.invoice.number in flat  # the invoice it corrects
        client.logout()
