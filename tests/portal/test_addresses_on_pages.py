"""Postal addresses from their structured fields, printed as each country writes them,
on the pages (order ship-to, installed item's site) and the statement documents."""

import io
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, SiteFactory, member
from tests.inventory.factories import ItemFactory
from tests.orders.factories import OrderFactory
from tests.statements.factories import BillingAccountFactory, CreditNoteFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def globex():
    us = CountryFactory(code="US", name="United States", name_fr="États-Unis", currency="USD")
    return CompanyFactory(
        name="Globex Corporation",
        country=us,
        street="350 Fifth Avenue",
        postal_code="10118",
        city="New York",
        region="NY",
        billing_street="Accounts Payable\n500 W 2nd Street, Suite 1900",
        billing_postal_code="78701",
        billing_city="Austin",
        billing_region="TX",
    )


def _austin(company):
    return SiteFactory(
        company=company,
        name="Austin campus",
        street="7000 Metropolis Drive",
        postal_code="78744",
        city="Austin",
        region="TX",
        address="Austin campus\nAustin",  # the old free text is no longer what is shown
    )


def test_order_ship_to_is_the_us_way(client, globex):
    order = OrderFactory(company=globex, ship_to=_austin(globex), currency="USD")
    login(client, member(globex, role=Role.VIEWER), globex)
    page = client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    assert "7000 Metropolis Drive<br>Austin, TX 78744<br>United States</address>" in page


def test_installed_items_site_is_the_french_way(client, country):
    company = CompanyFactory(country=country, services_assistant=True)  # offers inventory
    site = SiteFactory(company=company, street="1 place de la Défense", postal_code="92400")
    site.city = "Courbevoie"
    site.save()
    item = ItemFactory(site=site)
    login(client, member(company, role=Role.VIEWER), company)
    page = client.get(reverse("inventory:item", kwargs={"pk": item.pk})).text
    assert "<address>1 place de la Défense<br>92400 Courbevoie<br>France</address>" in page


def test_a_site_without_structured_fields_keeps_its_typed_address(client, company):
    site = SiteFactory(company=company, city="", address="Entrepôt B\nZone industrielle")
    order = OrderFactory(company=company, ship_to=site)
    login(client, member(company, role=Role.VIEWER), company)
    page = client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    assert "Entrepôt B<br>Zone industrielle" in page


def test_statement_and_credit_note_print_the_structured_billing_address(client, globex):
    from invoices.rendering import supplier
    from statements.ledger import StatementQuery
    from statements.statement import statement_document_context

    account = BillingAccountFactory(company=globex, number="BA-US", currency="USD")
    invoice = InvoiceFactory(
        billing_account=account,
        number="US-INV-1",
        issue_date=date(2026, 2, 2),
        due_date=date(2026, 3, 4),
        total="500.00",
        currency="USD",
    )
    query = StatementQuery(globex.pk, account.pk, "USD", date(2026, 2, 1), date(2026, 2, 28))
    html = render_to_string(
        "pdf/statements_statement.html",
        {
            **statement_document_context(query, today=date(2026, 6, 1), lines=True),
            "company": globex,
            "account": account,
            "currency": "USD",
            "supplier": supplier(globex),
        },
    )
    assert "500 W 2nd Street, Suite 1900\nAustin, TX 78701\nUnited States" in html
    assert "1 New Orchard Road\nArmonk, NY 10504" in html  # the US entity, the US way

    note = CreditNoteFactory(
        billing_account=account, number="US-CN-1", invoice=invoice, currency="USD"
    )
    login(client, member(globex, role=Role.VIEWER), globex)
    response = client.get(reverse("statements:credit_note_pdf", kwargs={"number": note.number}))
    pdf = b"".join(response.streaming_content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Austin, TX 78701" in text and "Armonk, NY 10504" in text
