"""Charts and printing in the browser, over the demo data (`manage.py seed_demo`):
each chart shows the figures of the table it summarises, in French and in English (axe
and the CSP are watched on every page by tests/e2e/conftest.py); a list's "Print all"
view prints every row with "page X of Y" at the foot of each printed page.

Screenshots of each chart go to the folder named by $CHART_SHOTS (to look at them), else
to the test's temporary folder.
"""

import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browsing import switch_language, url_for

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Portal-demo-2026"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("CHART_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _sign_in(page, live_server, email: str) -> None:
    page.goto(url_for(live_server, "account_login"))
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _language(page, language: str) -> None:
    if not (page.locator("html").get_attribute("lang") or "").startswith(language):
        switch_language(page, language)


def _number(text: str, language: str) -> Decimal:
    """'66 195,96 EUR' (fr) / '66,195.96 EUR' (en) → Decimal('66195.96')."""
    text = re.sub(r"[A-Z]{3}$", "", text.strip()).strip()
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    text = text.replace(",", ".") if language == "fr" else text.replace(",", "")
    return Decimal(text)


def _chart_rows(chart, language: str) -> list[list[Decimal]]:
    rows = chart.locator("table[data-chart-table] tbody tr")
    return [
        [_number(cell, language) for cell in row.locator("td").all_text_contents()]
        for row in rows.all()
    ]


def _shoot(chart, folder: Path, name: str, language: str) -> None:
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(folder / f"{name}-{language}.png"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_chart_shows_the_figures_of_its_table(page, live_server, demo, shots, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, "admin@acme.example")
    _language(page, language)

    # Home: the Statements tile draws the balance's trend next to it
    page.goto(url_for(live_server, "portal:home"))
    tile = page.locator(".tile").filter(has=page.locator(".sparkline"))
    expect(tile).to_have_count(1)
    balance = tile.locator("dd").first
    title = tile.locator(".sparkline title").text_content()
    figure = balance.locator("a").text_content().split(" ")[0]  # the amount before its code
    assert figure in title  # the trend's text ends on the tile's balance
    _shoot(tile, shots, "home-tile", language)

    # Statements: the balance line ends on the list's balance
    page.goto(url_for(live_server, "statements:list"))
    listed = page.locator(".statements-table tbody tr").first.locator("td").nth(3).text_content()
    chart = page.locator("figure.chart").first
    expect(chart.locator("svg[role=img] > title")).to_contain_text("EUR")
    expect(chart.locator("svg line.chart__line")).to_have_count(11)  # 12 months joined
    assert _chart_rows(chart, language)[-1][0] == _number(listed, language)
    _shoot(chart, shots, "statements-balance", language)

    # A statement: the ageing bars are the ageing table
    page.locator(".statements-table a").first.click()
    page.wait_for_load_state("load")
    ageing = [
        _number(t, language)
        for t in page.locator(".ageing-table tbody td").all_text_contents()[:-1]
    ]
    chart = page.locator(".ageing figure.chart")
    assert [row[0] for row in _chart_rows(chart, language)] == ageing
    assert chart.locator("rect.chart__bar").count() == sum(1 for a in ageing if a)
    _shoot(chart, shots, "statements-ageing", language)

    # Invoices: due + overdue per month add up to the totals table's open amount
    page.goto(url_for(live_server, "invoices:list"))
    open_amount = page.locator(".invoice-totals table tbody tr").first.locator("td").nth(2)
    chart = page.locator(".invoice-totals figure.chart").first
    rows = _chart_rows(chart, language)
    assert sum(r[2] for r in rows) == _number(open_amount.text_content(), language)
    assert all(r[0] + r[1] == r[2] for r in rows)
    expect(chart.locator(".chart__legend li")).to_have_count(2)
    _shoot(chart, shots, "invoices-due", language)

    # Inventory: coverage ending per month for the listed items
    page.goto(url_for(live_server, "inventory:home"))
    chart = page.locator("#item-results figure.chart")
    assert sum(r[0] for r in _chart_rows(chart, language)) > 0
    expect(chart.locator("rect.chart__bar").first).to_be_visible()
    _shoot(chart, shots, "inventory-coverage", language)

    # My requests (administrator): requests per month, and the share within the promise
    page.goto(url_for(live_server, "requests_inbox:list"))
    listed = page.locator(".requests-table tbody tr").count()
    charts = page.locator("#request-results figure.chart")
    expect(charts).to_have_count(2)
    assert sum(r[0] for r in _chart_rows(charts.nth(0), language)) == listed
    _shoot(charts.nth(0), shots, "requests-per-month", language)
    _shoot(charts.nth(1), shots, "requests-within-promise", language)

    # The figures are one click away for everyone (the table under the chart)
    charts.nth(0).locator("summary").click()
    expect(charts.nth(0).locator("table[data-chart-table]")).to_be_visible()


def test_inventory_with_leases_draws_both_series(page, live_server, demo, shots):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, "admin@globex.example")
    for language in ("en", "fr"):
        _language(page, language)
        page.goto(url_for(live_server, "inventory:home"))
        chart = page.locator("#item-results figure.chart")
        expect(chart.locator(".chart__legend li")).to_have_count(2)
        rows = _chart_rows(chart, language)
        assert sum(r[1] for r in rows) > 0  # leases ending
        _shoot(chart, shots, "inventory-coverage-leases", language)


def test_print_all_prints_every_row_with_page_numbers(page, live_server, demo, shots):
    _sign_in(page, live_server, "admin@acme.example")
    _language(page, "fr")
    page.goto(url_for(live_server, "orders:list"))
    expect(page.locator("main tbody tr")).to_have_count(25)
    page.get_by_role("link", name="Imprimer les 36 lignes").click()
    page.wait_for_load_state("load")
    expect(page.locator("main tbody tr")).to_have_count(36)
    expect(page.get_by_role("status").filter(has_text="36 lignes")).to_be_visible()

    page.emulate_media(media="print")
    paper = page.locator(".print-selection__paper")
    expect(paper).to_be_visible()
    expect(paper).to_contain_text("Imprimé le")
    expect(paper).to_contain_text("Aucun filtre")
    pdf = page.pdf(format="A4", path=str(shots / "orders-print-all-fr.pdf"))
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    for number, printed in enumerate(reader.pages, start=1):
        assert f"Page {number} sur {pages}" in printed.extract_text()
    text = "".join(p.extract_text() for p in reader.pages)
    assert text.count("Imprimé le") == 1

    page.emulate_media(media="screen")
    switch_language(page, "en")
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
