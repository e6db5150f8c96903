"""The invoice page words its sums as the PDF does, after the issuing entity's tax scheme
(US: subtotal, sales tax, total; France: HT, TVA, TTC), in a table of their own so a
phone shows them without scrolling the lines sideways."""

import pytest
from django.urls import reverse

from invoices.terms import PaymentTerm
from portal.models import Role
from tests.conftest import login
from tests.factories.portal import member
from tests.invoices.test_documents import _french_company, _issue, _us_company

pytestmark = pytest.mark.django_db


def _sums(page: str) -> str:
    start = page.index('<table class="invoice-sums">')
    return " ".join(page[start : page.index("</table>", start)].split())


def test_a_us_invoice_page_says_sales_tax(client):
    company = _us_company()
    invoice = _issue(company, terms=PaymentTerm.NET_30, number="US-1")
    login(client, member(company, role=Role.VIEWER), company)
    page = client.get(reverse("invoices:detail", kwargs={"number": invoice.number})).text
    sums = _sums(page)
    assert "Subtotal" in sums and "Sales tax 0 % on 3,275.00 USD" in sums
    assert "VAT" not in page
    assert '<th scope="col" class="num">Sales tax</th>' in page


def test_a_french_invoice_page_says_tva_ht_and_ttc(client):
    company = _french_company()
    invoice = _issue(company, terms=PaymentTerm.NET_30, number="FA-1")
    user = member(company, role=Role.VIEWER, preferred_language="fr")
    login(client, user, company)
    page = client.get(reverse("invoices:detail", kwargs={"number": invoice.number})).text
    sums = _sums(page)
    assert "Total HT" in sums and "TVA 20 % sur 3 275,00 EUR" in sums and "Total TTC" in sums
    # The lines' table no longer carries the sums at its far right.
    lines = page[
        page.index('<div class="table-wrap">') : page.index('<table class="invoice-sums">')
    ]
    assert "Total TTC" not in lines
