"""A label's colon follows the reader's language: "VAT number:" in English, "N° de TVA :"
in French (a non-breaking space before it), on pages and documents alike."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from invoices import rendering
from invoices.terms import PaymentTerm
from portal.templatetags.labels import colon
from tests.invoices.test_documents import _french_company, _issue

NBSP = "\u00a0"


def test_the_colon_is_french_in_french():
    assert colon("VAT number") == "VAT number:"
    with translation.override("fr"):
        assert colon(translation.gettext("VAT number")) == f"N° de TVA{NBSP}:"


@pytest.mark.django_db
def test_the_french_invoice_prints_french_colons():
    invoice = _issue(_french_company(), terms=PaymentTerm.NET_30, number="FA-1")
    with translation.override("fr"):
        html = render_to_string("pdf/invoices_invoice.html", rendering.context_for(invoice))
    assert f"N° de TVA{NBSP}: FR58552118465" in html
    assert "N° de TVA:" not in html
    with translation.override("en"):
        html = render_to_string("pdf/invoices_invoice.html", rendering.context_for(invoice))
    assert "VAT number: FR58552118465" in html
