"""The statement adds up: opening + debits − credits = closing, on every account × period
× view (page, PDF, CSV, XLSX), and the closing of one period is the opening of the next.

Run over every account and period of the demo data (`manage.py seed_demo`) and over
generated ledgers (hypothesis). Pending payments follow the one rule of
statements.ledger: listed apart, never a credit, no balance change.
"""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from invoices.models import BillingAccount
from portal.models import Company, Role
from statements.ledger import StatementLines, StatementQuery, ageing, totals
from statements.models import LedgerEntry, Payment
from statements.periods import month_bounds
from tests.conftest import get_following_job, login
from tests.factories.portal import member
from tests.statements.factories import (
    BillingAccountFactory,
    CreditNoteFactory,
    InvoiceFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

ZERO = D("0.00")


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """Calendar months from the month of `first` to the month of `last`, plus one either side."""
    year, month = first.year, first.month - 1
    if month == 0:
        year, month = year - 1, 12
    result = []
    while (year, month) <= (last.year, last.month + 1 if last.month < 12 else 13):
        if month == 13:
            year, month = year + 1, 1
        result.append(month_bounds(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _accounts():
    """Every (account, currency) of the ledger with its first and last dates."""
    seen = LedgerEntry.objects.order_by().values_list("billing_account_id", "currency").distinct()
    for account_id, currency in sorted(set(seen)):
        account = BillingAccount.objects.get(pk=account_id)
        dates = LedgerEntry.objects.filter(billing_account_id=account_id, currency=currency)
        first = dates.order_by("date").first().date
        last = dates.order_by("-date").first().date
        yield account, currency, first, last


def _query(account, currency, start, end, **kw) -> StatementQuery:
    return StatementQuery(
        company_id=account.company_id,
        account_id=account.pk,
        currency=currency,
        start=start,
        end=end,
        **kw,
    )


def _check_ledger(account, currency, first, last) -> list[tuple]:
    """The invariants on the ledger reads (what every view prints); returns the months."""
    months = _months(first, last)
    previous_closing = None
    checked = []
    for start, end in months:
        query = _query(account, currency, start, end)
        t = totals(query)
        assert t.opening + t.debit - t.credit == t.closing, (account.number, start, t)
        if previous_closing is not None:
            assert t.opening == previous_closing, (account.number, start)
        previous_closing = t.closing
        lines = list(StatementLines(query, t.opening)[0:100000])
        assert sum((line.debit for line in lines), ZERO) == t.debit
        assert sum((line.credit for line in lines), ZERO) == t.credit
        assert sum((line.pending for line in lines), ZERO) == t.pending
        assert all(not (line.pending and line.credit) for line in lines)
        if lines:
            assert lines[-1].balance == t.closing
        checked.append((start, end, t))
    # a longer period says the same as its months
    whole = totals(_query(account, currency, months[0][0], months[-1][1]))
    assert whole.opening == checked[0][2].opening
    assert whole.closing == checked[-1][2].closing
    assert whole.debit == sum((t.debit for _s, _e, t in checked), ZERO)
    assert whole.credit == sum((t.credit for _s, _e, t in checked), ZERO)
    assert whole.pending == sum((t.pending for _s, _e, t in checked), ZERO)
    return checked


# --- generated ledgers --------------------------------------------------------------

DOCUMENT = st.tuples(
    st.sampled_from(["invoice", "credit_note", "received", "pending"]),
    st.integers(min_value=0, max_value=150),  # day after 1 Jan 2026
    st.integers(min_value=1, max_value=5_000_000),  # cents
)


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents=st.lists(DOCUMENT, min_size=1, max_size=25))
def test_generated_ledgers_add_up_in_every_month(company, settings, documents):
    settings.COMPANY_CACHE_SECONDS = 0
    day0 = date(2026, 1, 1)
    with transaction.atomic():
        account = BillingAccountFactory(company=company)
        for kind, day, cents in documents:
            when, amount = day0 + timedelta(days=day), D(cents) / 100
            if kind == "invoice":
                InvoiceFactory(billing_account=account, issue_date=when, total=amount)
            elif kind == "credit_note":
                CreditNoteFactory(billing_account=account, date=when, amount=amount)
            else:
                status = Payment.Status.RECEIVED if kind == "received" else Payment.Status.PENDING
                PaymentFactory(billing_account=account, date=when, amount=amount, status=status)
        last = day0 + timedelta(days=max(day for _k, day, _c in documents))
        checked = _check_ledger(account, "EUR", day0, last)
        expected_pending = sum(
            (D(c) / 100 for k, _d, c in documents if k == "pending"), ZERO
        ).quantize(D("0.01"))
        assert sum((t.pending for _s, _e, t in checked), ZERO) == expected_pending
        transaction.set_rollback(True)


# --- the demo data, every view ------------------------------------------------------


@pytest.fixture
def demo(db, settings):
    settings.COMPANY_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())


def _client_for(client, company: Company):
    user = member(company, role=Role.VIEWER, email=f"statements-{company.pk}@demo.test")
    return login(client, user, company)


def _amount(text: str) -> D:
    """An English amount as the money filter prints it ("1,234.50 EUR")."""
    return D(text.split(" ")[0].replace(",", ""))


def _page_summary(html: str) -> list[D]:
    block = re.search(r'<dl class="statement-summary">(.*?)</dl>', html, re.S).group(1)
    return [_amount(value) for value in re.findall(r"<dd>([^<]*)</dd>", block)]


def _periods(first: date, last: date, today: date) -> list[dict]:
    months = [
        {"period": "custom", "start": f"{s:%Y-%m-%d}", "end": f"{e:%Y-%m-%d}"}
        for s, e in _months(first, last)
        if s <= today
    ]
    return [*months, {"period": "this_year"}, {}]


def test_demo_every_account_and_period_adds_up_on_page_csv_xlsx_and_pdf(client, demo):
    today = timezone.localdate()
    accounts = list(_accounts())
    assert len(accounts) >= 4  # every demo company with statements
    pending_seen = False
    for account, currency, first, last in accounts:
        checked = _check_ledger(account, currency, first, last)
        pending_seen = pending_seen or any(t.pending for _s, _e, t in checked)
        viewer = _client_for(client, account.company)
        kwargs = {"account": account.number, "currency": currency}
        page_url = reverse("statements:statement", kwargs=kwargs)
        for params in _periods(first, last, today):
            response = viewer.get(page_url, params)
            assert response.status_code == 200
            t = response.context["totals"]
            # "today" is the reader's (a US reader's day may still be yesterday here)
            assert response.context["end"] <= response.context["as_of"] or (
                response.context["start"] > response.context["as_of"]
            )
            assert t.opening + t.debit - t.credit == t.closing
            assert _page_summary(response.content.decode()) == [
                t.opening,
                t.debit,
                t.credit,
                t.closing,
            ]
            # CSV: the lines add up to the page's totals, the last balance is the closing
            response = viewer.get(
                reverse("statements:statement_export", kwargs={**kwargs, "fmt": "csv"}), params
            )
            body = b"".join(response.streaming_content).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(body)))
            header, data = rows[0], rows[1:]
            col = {name: header.index(name) for name in ("Debit", "Credit", "Pending", "Balance")}

            def total(name, table=data, col=col):
                return sum((D(r[col[name]] or "0") for r in table), ZERO)

            assert (total("Debit"), total("Credit"), total("Pending")) == (
                t.debit,
                t.credit,
                t.pending,
            )
            if data:
                assert D(data[-1][col["Balance"]]) == t.closing
                assert t.opening + total("Debit") - total("Credit") == t.closing
            # XLSX: the totals row is the page's totals
            response = viewer.get(
                reverse("statements:statement_export", kwargs={**kwargs, "fmt": "xlsx"}), params
            )
            sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
            xrows = list(sheet.iter_rows(values_only=True))
            totals_row = xrows[-1]
            assert totals_row[0] == "Total"
            assert D(str(totals_row[col["Debit"]])).quantize(D("0.01")) == t.debit
            assert D(str(totals_row[col["Credit"]])).quantize(D("0.01")) == t.credit
            if len(xrows) > 2:
                assert D(str(xrows[-2][col["Balance"]])).quantize(D("0.01")) == t.closing
        # PDF: the closing row of the year and of each month prints the same figures
        for params in _periods(first, last, today)[:-1]:
            response = get_following_job(
                viewer, reverse("statements:statement_pdf", kwargs=kwargs), params
            )
            assert response.status_code == 200, params
            text = "\n".join(
                page.extract_text()
                for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
            )
            query_totals = viewer.get(page_url, params).context["totals"]
            closing_line = next(line for line in text.splitlines() if "Closing balance" in line)
            amounts = [_amount(a) for a in re.findall(r"-?[\d,]+\.\d\d", closing_line)]
            assert amounts == [query_totals.debit, query_totals.credit, query_totals.closing], (
                closing_line
            )
        client.logout()
    assert pending_seen  # the demo has pending payments: the rule is exercised


def _french_amount(text: str) -> D:
    """A French amount as the money filter prints it ("1 234,50 EUR", no-break spaces)."""
    number = re.sub(r"\s*[A-Z]{3}$", "", text.strip())
    return D(re.sub(r"\s", "", number).replace(",", "."))


def test_demo_every_account_and_period_adds_up_in_french_too(client, demo):
    """The French reader's page, CSV and XLSX: French words (Débit / Crédit: a credit is
    not an "Avoir", which is a credit note) and French numbers, adding up the same."""
    today = timezone.localdate()
    for account, currency, first, last in _accounts():
        user = member(
            account.company,
            role=Role.VIEWER,
            email=f"statements-fr-{account.pk}@demo.test",
            preferred_language="fr",
        )
        viewer = login(client, user, account.company)
        viewer.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
        kwargs = {"account": account.number, "currency": currency}
        page_url = reverse("statements:statement", kwargs=kwargs)
        previous_closing = None
        for params in _periods(first, last, today):
            html = viewer.get(page_url, params).content.decode()
            block = re.search(r'<dl class="statement-summary">(.*?)</dl>', html, re.S).group(1)
            opening, debit, credit, closing = (
                _french_amount(v) for v in re.findall(r"<dd>([^<]*)</dd>", block)
            )
            assert opening + debit - credit == closing, (account.number, params)
            if params.get("period") == "custom":  # months in order: each opens at the last
                if previous_closing is not None:
                    assert opening == previous_closing, (account.number, params)
                previous_closing = closing
            head = re.search(r'<table class="statements-table">.*?</thead>', html, re.S)
            if head:  # a period with lines: its columns are Débit and Crédit
                assert ">Crédit<" in head.group(0) and ">Avoir<" not in head.group(0)
            export = reverse("statements:statement_export", kwargs={**kwargs, "fmt": "csv"})
            body = b"".join(viewer.get(export, params).streaming_content)
            assert body.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
            header, data = rows[0], rows[1:]
            assert "Avoir" not in header
            col = {name: header.index(name) for name in ("Débit", "Crédit", "En attente", "Solde")}

            def total(name, table=data, col=col):
                return sum((D((r[col[name]] or "0").replace(",", ".")) for r in table), ZERO)

            assert (total("Débit"), total("Crédit")) == (debit, credit), (account.number, params)
            if data:
                assert D(data[-1][col["Solde"]].replace(",", ".")) == closing
            export = reverse("statements:statement_export", kwargs={**kwargs, "fmt": "xlsx"})
            sheet = load_workbook(
                io.BytesIO(b"".join(viewer.get(export, params).streaming_content))
            ).active
            xrows = list(sheet.iter_rows(values_only=True))
            xcol = {name: xrows[0].index(name) for name in ("Débit", "Crédit", "En attente")}
            for name, expected in (("Débit", debit), ("Crédit", credit)):
                summed = sum((D(str(r[xcol[name]] or 0)) for r in xrows[1:-1]), ZERO)
                assert summed.quantize(D("0.01")) == expected
                assert D(str(xrows[-1][xcol[name]])).quantize(D("0.01")) == expected
            assert total("En attente") == D(str(xrows[-1][xcol["En attente"]] or 0)).quantize(
                D("0.01")
            )
        client.logout()


def test_demo_ageing_adds_up_to_the_balance_of_the_day(demo):
    """What is open on a day, by age, less the unapplied credit, is that day's balance."""
    today = timezone.localdate()
    for account, currency, first, _last in _accounts():
        for as_of in [first, *(e for _s, e in _months(first, today) if e <= today), today]:
            query = _query(account, currency, first - timedelta(days=1), as_of)
            a = ageing(query, as_of)
            buckets = sum((amount for _k, _l, amount in a.buckets), ZERO)
            assert buckets == a.total_open
            assert a.total_open - a.unapplied == totals(query).closing, (account.number, as_of)


def test_demo_september_example_figures(client, demo):
    """The issue's example (ACME France, September): the figures now printed add up."""
    account = BillingAccount.objects.get(number="0100001-01")
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    start, end = month_bounds(year, 9)
    t = totals(_query(account, "EUR", start, end))
    assert t.opening + t.debit - t.credit == t.closing
    html = (
        _client_for(client, account.company)
        .get(
            reverse("statements:statement", kwargs={"account": account.number, "currency": "EUR"}),
            {"period": "custom", "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
        )
        .content.decode()
    )
    if t.pending:
        assert "Pending payments, not yet received" in html


# --- the period form shows what is applied ------------------------------------------


def test_the_period_shown_is_the_period_applied_and_a_search_keeps_it(viewer_client, ledger):
    url = reverse("statements:statement", kwargs={"account": "BA-100", "currency": "EUR"})
    response = viewer_client.get(url)
    html = response.content.decode()
    # default: this year, and the select says so (not the first option "This month")
    assert '<option value="this_year" selected>' in html
    assert response.context["start"] == date(timezone.localdate().year, 1, 1)
    # a search resubmits the form as shown: the period does not narrow
    response = viewer_client.get(url, {"period": "this_year", "q": "INV"})
    assert response.context["start"] == date(timezone.localdate().year, 1, 1)
    # a search without a period keeps the default one too
    response = viewer_client.get(url, {"q": "INV"})
    assert response.context["start"] == date(timezone.localdate().year, 1, 1)
    assert '<option value="this_year" selected>' in response.content.decode()
    # dates without a period are custom dates, and the select says so
    response = viewer_client.get(url, {"start": "2026-02-01", "end": "2026-02-28"})
    assert '<option value="custom" selected>' in response.content.decode()
    assert response.context["totals"].closing == D("1050.00")


def test_the_closing_row_is_never_dated_after_the_position_date(viewer_client, ledger):
    url = reverse("statements:statement", kwargs={"account": "BA-100", "currency": "EUR"})
    today = timezone.localdate()
    response = viewer_client.get(url, {"period": "this_year"})
    assert response.context["end"] == response.context["as_of"] == today
    pdf = get_following_job(
        viewer_client,
        reverse("statements:statement_pdf", kwargs={"account": "BA-100", "currency": "EUR"}),
        {"period": "this_year"},
    )
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    from django.utils.formats import date_format

    assert f"Closing balance on {date_format(today, 'DATE_FORMAT')}" in text
    assert f"Position at {date_format(today, 'DATE_FORMAT')}" in text
