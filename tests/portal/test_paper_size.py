"""Paper per country: every PDF of a US company is Letter, A4 elsewhere (portal/documents.py)."""

import io

import pytest
from pypdf import PdfReader

from portal.documents import page_size, render_pdf_bytes
from tests.factories.portal import CompanyFactory, CountryFactory

pytestmark = pytest.mark.django_db


def _size(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_every_pdf_of_a_us_company_is_letter_and_a4_elsewhere(test_templates):
    us = CompanyFactory(country=CountryFactory(code="US", name="United States", currency="USD"))
    fr = CompanyFactory()
    for company, size in ((us, (612, 792)), (fr, (595, 842))):
        # a document whose own stylesheet sets no size still gets the country's paper
        pdf = render_pdf_bytes("pdf/portal_test.html", {"company": company}, language="en")
        assert _size(pdf) == size
    assert page_size("US") == "Letter" and page_size("FR") == "A4" and page_size(None) == "A4"


def test_a_contract_document_takes_the_paper_of_its_company(test_templates):
    us = CompanyFactory(country=CountryFactory(code="US", name="United States", currency="USD"))

    class Contract:
        company = us

    pdf = render_pdf_bytes("pdf/portal_test.html", {"contract": Contract()}, language="en")
    assert _size(pdf) == (612, 792)
