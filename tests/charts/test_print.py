"""Printing a list prints its whole selection up to PRINT_MAX_ROWS (`?print=all`), with the
filters, the date and the number of rows on top; a paged list says it is one page."""

import pytest
from django.urls import reverse

from portal.models import Company
from tests.charts.conftest import admin_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(client, demo):
    company = Company.objects.get(name="ACME France SA")
    admin_client(client, company)
    return company


def _rows(response) -> int:
    return len(response.context["page"].object_list)


def test_a_paged_list_offers_print_all_and_says_what_a_printout_holds(client, acme):
    response = client.get(reverse("orders:list"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert _rows(response) == 25
    assert 'href="/orders/?print=all"' in html
    assert "Print all 36 rows" in html or "Imprimer les 36 lignes" in html
    assert "(page 1 of 2 on screen)" in html or "(page 1 sur 2 à l’écran)" in html


def test_print_all_shows_every_row_with_the_filters_and_the_date(client, acme):
    response = client.get(reverse("orders:list"), {"print": "all", "status": "shipped"})
    selection = response.context["page"].paginator.count
    assert 0 < _rows(response) == selection
    html = response.content.decode()
    assert "print-selection--all" in html
    paper = html.split('class="print-selection__paper"')[1].split("</div>")[0]
    assert "Imprimé le" in paper or "Printed on" in paper
    form = response.context["form"]
    assert str(form.fields["status"].label) in paper
    status_label = dict(form.fields["status"].choices)["shipped"]
    assert str(status_label) in paper
    assert 'rel="next"' not in html  # one page: no pagination


def test_above_the_cap_only_the_first_rows_are_printed_and_the_page_says_so(client, acme, settings):
    settings.PRINT_MAX_ROWS = 10
    response = client.get(reverse("invoices:list"), {"print": "all"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _rows(response) == 10
    html = response.content.decode()
    assert "print-selection__cap" in html
    assert "10" in html.split("print-selection__cap")[1].split("</p>")[0]
    assert "12" in html.split("print-selection__cap")[1].split("</p>")[0]  # of 12 invoices
    assert "montre les 10 premières lignes" in html  # (the user reads French)
    assert "montre les 10 lignes" not in html  # never "all of them" when rows were left out


@pytest.mark.parametrize(
    "name",
    ["contracts:list", "invoices:list", "inventory:home", "requests_inbox:list", "orders:list"],
)
def test_every_list_has_the_print_header(client, acme, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="print-selection' in html


def test_a_statement_prints_all_its_lines(client, acme, settings):
    settings.PRINT_MAX_ROWS = 1000
    from statements.statement import account_balances

    row = account_balances(acme)[0]
    url = reverse(
        "statements:statement",
        kwargs={"account": row["account"].number, "currency": row["currency"]},
    )
    response = client.get(url, {"period": "this_year", "print": "all"})
    page = response.context["page"]
    assert page.paginator.num_pages == 1
    assert len(page.object_list) == page.paginator.count
