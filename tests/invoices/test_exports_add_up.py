"""The invoice spreadsheets add up, over every invoice of every demo company, in French
and in English: each amount column's totals row is the sum of its rows per currency,
net + tax = total and total - paid = open on every row and every totals row, the totals
are the list page's, and the lines' net amounts add up to the invoices' subtotals."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from portal.applications import App
from portal.models import Company, Role
from tests.conftest import login
from tests.factories.portal import member

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HEADERS = {
    "en": ("Currency", "Subtotal", "Tax", "Total", "Amount paid", "Open amount", "Line total"),
    "fr": ("Devise", "Sous-total", "TVA", "Total", "Montant payé", "Reste à payer", None),
}


@pytest.fixture
def demo(db, settings):
    settings.COMPANY_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())


def _sheet(client, params):
    response = client.get(reverse("invoices:export"), {"format": "xlsx", **params})
    assert response.status_code == 200, params
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    return rows[0], rows[1:]


def _amount(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_demo_invoice_export_adds_up(client, demo, language):
    currency_h, net_h, tax_h, total_h, paid_h, open_h, line_h = HEADERS[language]
    companies = [c for c in Company.objects.order_by("pk") if App.INVOICES in c.country.apps]
    assert len(companies) >= 3
    invoices_seen = 0
    for company in companies:
        user = member(
            company,
            role=Role.VIEWER,
            email=f"exports-{company.pk}-{language}@demo.test",
            preferred_language=language,
        )
        login(client, user, company)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        page = {
            row["currency"]: row for row in client.get(reverse("invoices:list")).context["totals"]
        }
        header, rows = _sheet(client, {})
        col = {h: header.index(h) for h in (currency_h, net_h, tax_h, total_h, paid_h, open_h)}
        amounts = (net_h, tax_h, total_h, paid_h, open_h)
        totals_rows = {row[0]: row for row in rows if row[0] and str(row[0]).startswith("Total")}
        data = [row for row in rows if row[0] not in totals_rows]
        invoices_seen += len(data)
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for row in data:
            net, tax, total, paid, open_ = (_amount(row[col[h]]) for h in amounts)
            assert net + tax == total and total - paid == open_, row
            for h in amounts:
                sums[row[col[currency_h]]][h] += _amount(row[col[h]])
        assert set(sums) == set(page)
        for currency, summed in sums.items():
            label = "Total" if len(sums) == 1 else f"Total {currency}"
            line = totals_rows[label]
            printed = {h: _amount(line[col[h]]) for h in amounts}
            assert printed == dict(summed), (company.name, currency)
            assert printed[net_h] + printed[tax_h] == printed[total_h]
            assert printed[total_h] - printed[paid_h] == printed[open_h]
            assert (printed[total_h], printed[open_h]) == (
                page[currency]["sum_total"],
                page[currency]["sum_open"],
            )
        # the lines' export: its net amounts add up to the invoices' subtotals
        line_header, line_rows = _sheet(client, {"lines": "1"})
        line_col = line_header.index(line_h) if line_h else 10
        line_currency = line_header.index(currency_h)
        line_totals = {row[0]: row for row in line_rows if str(row[0]).startswith("Total")}
        lines = [row for row in line_rows if row[0] not in line_totals]
        by_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in lines:
            by_currency[row[line_currency]] += _amount(row[line_col])
        for currency, summed in by_currency.items():
            label = "Total" if len(by_currency) == 1 else f"Total {currency}"
            assert _amount(line_totals[label][line_col]) == summed
            assert summed == sums[currency][net_h], (company.name, currency)
        # the CSV says the same figures in the reader's dialect
        response = client.get(reverse("invoices:export"), {"format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        delimiter = ";" if language == "fr" else ","
        csv_rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert len(csv_rows) - 1 == len(data)
        csv_total = sum((Decimal(r[col[total_h]].replace(",", ".")) for r in csv_rows[1:]), ZERO)
        assert csv_total == sum((s[total_h] for s in sums.values()), ZERO)
        client.logout()
    assert invoices_seen >= 10
