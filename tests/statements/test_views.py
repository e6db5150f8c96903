import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import login
from tests.statements.factories import (
    BillingAccountFactory,
    CreditNoteFactory,
    InvoiceFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

FEB = {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"}


def _url(name="statements:statement", account="BA-100", currency="EUR", **kw):
    return reverse(name, kwargs={"account": account, "currency": currency, **kw})


def test_account_list_shows_balances_per_currency(viewer_client, ledger):
    response = viewer_client.get(reverse("statements:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1,050.00 EUR" in html
    assert "500.00 USD" in html
    assert _url() in html and _url(currency="USD") in html


def test_statement_page_balances_running_balance_and_ageing(viewer_client, ledger):
    response = viewer_client.get(_url(), FEB)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["totals"].opening == Decimal("1620.00")
    assert ctx["totals"].closing == Decimal("1050.00")
    assert [(line.number, line.balance) for line in ctx["lines"]] == [
        ("INV-3", Decimal("1920.00")),
        ("CN-1", Decimal("1820.00")),
        ("CN-2", Decimal("1770.00")),
        ("PAY-1", Decimal("1170.00")),
        ("PAY-3", Decimal("1050.00")),
    ]
    html = response.content.decode()
    assert "Opening balance" in html and "1,620.00 EUR" in html
    assert "What is open on 02/28/2026" in html  # the date format of the lists
    assert "750.00 EUR" in html  # 1–30 days overdue
    assert reverse("statements:credit_note_pdf", kwargs={"number": "CN-1"}) in html
    assert reverse("statements:payment_detail", kwargs={"reference": "PAY-1"}) in html
    assert reverse("invoices:pdf", kwargs={"number": "INV-3"}) in html
    assert "does not follow this sort" not in html


def test_other_sort_says_the_running_balance_follows_date_order(viewer_client, ledger):
    response = viewer_client.get(_url(), {**FEB, "sort": "-credit"})
    html = response.content.decode()
    assert [line.number for line in response.context["lines"]][:2] == ["PAY-1", "PAY-3"]
    assert "Sorted by Credit: the running balance is only shown in date order." in html
    assert ">Balance</th>" not in html  # no running balance out of date order
    assert 'aria-sort="descending"' in html


def test_unknown_sort_falls_back_to_date_order(viewer_client, ledger):
    response = viewer_client.get(_url(), {**FEB, "sort": "amount; DROP TABLE x"})
    assert response.status_code == 200
    assert response.context["lines"][0].number == "INV-3"


def test_search_and_filters(viewer_client, ledger):
    response = viewer_client.get(_url(), {**FEB, "q": "pay-", "type": "payment"})
    assert [line.number for line in response.context["lines"]] == ["PAY-1", "PAY-3"]
    response = viewer_client.get(_url(), {**FEB, "status": "open"})
    assert [line.number for line in response.context["lines"]] == ["INV-3"]
    assert "filtered: the balances above are those of the whole account" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "custom", "start": "2026-03-01", "end": "2026-02-01"},
            "The end date is before the start date.",
        ),
        (
            {"period": "custom", "start": "1800-01-01", "end": "2026-02-01"},
            "Choose dates between 1 January 1990",
        ),
        (
            {"period": "custom", "start": "2026-02-01", "end": "9999-12-31"},
            "Choose dates between 1 January 1990",
        ),
        ({"period": "custom", "start": "2026-02-01"}, "Enter both a start date and an end date."),
        ({"period": "custom", "start": "2026-02-31", "end": "2026-03-01"}, "Enter a valid date."),
        ({"period": "forever"}, "Select a valid choice."),
    ],
)
def test_bad_dates_give_a_clear_message(viewer_client, ledger, params, message):
    response = viewer_client.get(_url(), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "lines" not in response.context


def test_period_presets(viewer_client, ledger, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 3, 15))
    response = viewer_client.get(_url(), {"period": "last_month"})
    assert (response.context["start"], response.context["end"]) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert response.context["totals"].closing == Decimal("1050.00")
    response = viewer_client.get(_url(), {"period": "this_quarter"})
    # the quarter is read up to today: the closing balance is never dated after "as of"
    assert (response.context["start"], response.context["end"]) == (
        date(2026, 1, 1),
        date(2026, 3, 15),
    )
    assert response.context["as_of"] == date(2026, 3, 15)
    response = viewer_client.get(_url())  # default: this year
    assert response.context["start"] == date(2026, 1, 1)
    assert response.context["totals"].opening == Decimal("120.00")  # INV-0 + INV-5
    assert response.context["as_of"] == date(2026, 3, 15)


def test_pagination_never_fails(viewer_client, company):
    account = BillingAccountFactory(company=company, number="BA-P")
    for i in range(55):
        InvoiceFactory(billing_account=account, issue_date=date(2026, 2, 1 + i % 27))
    for page in ("2", "999", "abc", "-1"):
        response = viewer_client.get(_url(account="BA-P"), {**FEB, "page": page})
        assert response.status_code == 200
    response = viewer_client.get(_url(account="BA-P"), {**FEB, "page": "2"})
    assert len(response.context["lines"]) == 5
    assert response.context["lines"][-1].balance == Decimal("5500.00")


def test_unknown_or_foreign_account_or_currency_is_404(viewer_client, ledger, other_company):
    BillingAccountFactory(company=other_company, number="BA-OTHER")
    assert viewer_client.get(_url(account="NOPE")).status_code == 404
    assert viewer_client.get(_url(account="BA-OTHER")).status_code == 404
    assert viewer_client.get(_url(currency="GBP")).status_code == 404
    assert viewer_client.get(_url(currency="eur")).status_code == 404
    assert viewer_client.get(_url("statements:statement_export", fmt="pdf")).status_code == 404


def test_foreign_documents_are_404(viewer_client, other_company):
    note = CreditNoteFactory(billing_account__company=other_company)
    payment = PaymentFactory(billing_account__company=other_company)
    url = reverse("statements:credit_note_pdf", kwargs={"number": note.number})
    assert viewer_client.get(url).status_code == 404
    url = reverse("statements:payment_detail", kwargs={"reference": payment.reference})
    assert viewer_client.get(url).status_code == 404


def test_csv_export_has_the_lines_and_running_balance(viewer_client, ledger):
    response = viewer_client.get(_url("statements:statement_export", fmt="csv"), FEB)
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["Date", "Type", "Number"]
    assert rows[0][6:10] == ["Debit", "Credit", "Pending", "Balance"]
    assert [(r[2], r[9]) for r in rows[1:]] == [
        ("INV-3", "1920.00"),
        ("CN-1", "1820.00"),
        ("CN-2", "1770.00"),
        ("PAY-1", "1170.00"),
        ("PAY-3", "1050.00"),
    ]
    assert (
        'filename="statement-BA-100-EUR-20260201-20260228.csv"' in response["Content-Disposition"]
    )


def test_xlsx_export_follows_the_filters(viewer_client, ledger):
    response = viewer_client.get(
        _url("statements:statement_export", fmt="xlsx"), {**FEB, "type": "credit_note"}
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:-1]] == ["CN-1", "CN-2"]
    assert rows[1][7] == 100  # credit
    assert rows[1][9] == 1820  # balance
    assert rows[-1][0] == "Total" and rows[-1][7] == 150  # the credits listed


def test_export_with_bad_dates_goes_back_with_a_message(viewer_client, ledger):
    params = {"period": "custom", "start": "2026-03-01", "end": "2026-01-01"}
    response = viewer_client.get(_url("statements:statement_export", fmt="csv"), params)
    assert response.status_code == 302
    response = viewer_client.get(response["Location"])
    assert "Correct the statement" in response.content.decode()
    response = viewer_client.get(_url("statements:statement_pdf"), params)
    assert response.status_code == 302


def test_statement_pdf_download(viewer_client, ledger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # eager: the worker runs now
        job_page = viewer_client.get(_url("statements:statement_pdf"), FEB)
    assert job_page.status_code == 302  # rendered by a worker, followed on the job page
    page = viewer_client.get(job_page["Location"])
    assert "Statement (PDF)" in page.text and "Ready" in page.text
    response = viewer_client.get(job_page["Location"] + "download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "statement-BA-100-EUR-20260201-20260228.pdf" in response["Content-Disposition"]


def test_statement_document_content(ledger, company):
    from django.template.loader import render_to_string

    from invoices.rendering import supplier
    from statements.ledger import StatementQuery
    from statements.statement import statement_document_context

    account = ledger["account"]
    query = StatementQuery(company.pk, account.pk, "EUR", date(2026, 2, 1), date(2026, 2, 28))
    context = statement_document_context(query, today=date(2026, 6, 1), lines=True)
    html = render_to_string(
        "pdf/statements_statement.html",
        {
            **context,
            "company": company,
            "account": account,
            "currency": "EUR",
            "supplier": supplier(),
        },
    )
    for text in (
        "Statement of account",
        "BA-100",
        "ACME France SA",
        "1,620.00",
        "1,050.00 EUR",
        "CN-2",
        "Over 90 days overdue",
        "Unapplied credit",
    ):
        assert text in html


def test_credit_note_pdf(viewer_client, ledger):
    url = reverse("statements:credit_note_pdf", kwargs={"number": "CN-1"})
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_payment_detail_lists_allocations(viewer_client, ledger):
    url = reverse("statements:payment_detail", kwargs={"reference": "PAY-1"})
    html = viewer_client.get(url).content.decode()
    assert "INV-1" in html and "400.00 EUR" in html
    assert "INV-2" in html and "200.00 EUR" in html
    assert "Allocated: 600.00 EUR · not allocated: 0.00 EUR" in html


def test_htmx_request_gets_the_results_only(viewer_client, ledger):
    response = viewer_client.get(_url(), FEB, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "INV-3" in html


def test_home_shows_the_balance_per_currency(client, viewer, company, ledger):
    login(client, viewer, company)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Balance (EUR)" in html and "1,050.00 EUR" in html
    assert "Balance (USD)" in html


def test_home_balances_are_the_ledger_sums(company, ledger):
    """The home tile reads the three tables; it must say what the ledger view says."""
    from django.db.models import Sum

    from statements.figures import balances
    from statements.models import LedgerEntry, Payment

    PaymentFactory(
        billing_account=ledger["account"],
        date=date(2026, 2, 27),
        amount=Decimal("999.00"),
        status=Payment.Status.PENDING,
    )
    expected = dict(
        LedgerEntry.objects.for_company(company)
        .values_list("currency")
        .annotate(s=Sum("signed_amount"))
        .order_by()
    )
    assert balances(company) == expected
    assert expected["EUR"] == Decimal("1050.00")


def test_ageing_follows_a_new_payment(viewer_client, ledger):
    response = viewer_client.get(_url(), FEB)
    assert response.context["ageing"].days_1_30 == Decimal("750.00")
    payment = PaymentFactory(
        billing_account=ledger["account"], date=date(2026, 2, 27), amount=Decimal("250.00")
    )
    payment.allocations.create(invoice=ledger["invoices"]["INV-2"], amount=Decimal("250.00"))
    response = viewer_client.get(_url(), FEB)
    assert response.context["ageing"].days_1_30 == Decimal("500.00")


def test_statement_in_french(client, company, ledger):
    from portal.models import Role
    from tests.factories.portal import member

    user = member(company, role=Role.VIEWER, preferred_language="fr")
    login(client, user, company)
    response = client.get(_url(), {**FEB, "sort": "number"}, headers={"Accept-Language": "fr"})
    html = response.content.decode()
    assert "Solde d&#x27;ouverture" in html or "Solde d'ouverture" in html
    assert "le solde progressif n'est affiché que dans l'ordre des dates" in html
    assert "Échu depuis 1 à 30 jours" in html
