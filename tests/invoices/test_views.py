"""What a user of Invoices On-Line sees: list, search, filters, totals, detail, PDF, copy, decide."""

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.models import ApprovalStatus, Invoice, InvoiceEvent, PaymentStatus
from tests.conftest import login
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("invoices:list")


def test_list_shows_the_company_invoices_only(viewer_client, company, other_company):
    mine = InvoiceFactory(company=company, number="F-MINE-1")
    InvoiceFactory(company=other_company, number="F-THEIRS-1")
    response = viewer_client.get(LIST)
    assert response.status_code == 200
    assert mine.number in response.text
    assert "F-THEIRS-1" not in response.text


def test_search_by_number_po_or_order(viewer_client, company):
    InvoiceFactory(company=company, number="F-100", po_number="PO-ABC", order_number="O-1")
    InvoiceFactory(company=company, number="F-200", po_number="PO-XYZ", order_number="O-777")
    assert "F-100" in viewer_client.get(LIST, {"q": "F-10"}).text
    response = viewer_client.get(LIST, {"q": "PO-XYZ"})
    assert "F-200" in response.text and "F-100" not in response.text
    response = viewer_client.get(LIST, {"q": "o-777"})
    assert "F-200" in response.text and "F-100" not in response.text


def test_filters_and_totals_per_currency(viewer_client, company):
    InvoiceFactory(
        company=company, number="E-1", total=Decimal("100.00"), subtotal=Decimal("100"), tax_total=0
    )
    InvoiceFactory(
        company=company,
        number="E-2",
        total=Decimal("50.50"),
        subtotal=Decimal("50.50"),
        tax_total=0,
    )
    InvoiceFactory(
        company=company,
        number="U-1",
        currency="USD",
        total=Decimal("7.00"),
        subtotal=Decimal("7"),
        tax_total=0,
    )
    InvoiceFactory(
        company=company,
        number="P-1",
        payment_status=PaymentStatus.PAID,
        total=Decimal("999.00"),
        amount_paid=Decimal("999.00"),
    )
    response = viewer_client.get(LIST, {"payment": "open"})
    totals = {row["currency"]: row for row in response.context["totals"]}
    assert totals["EUR"]["sum_total"] == Decimal("150.50")
    assert totals["EUR"]["count"] == 2
    assert totals["USD"]["sum_total"] == Decimal("7.00")
    assert "P-1" not in response.text
    response = viewer_client.get(LIST, {"currency": "USD"})
    assert [i.number for i in response.context["page"].object_list] == ["U-1"]
    response = viewer_client.get(LIST, {"amount_min": "60", "amount_max": "1000"})
    assert {i.number for i in response.context["page"].object_list} == {"E-1", "P-1"}


def test_date_ranges_sort_and_bad_input(viewer_client, company):
    today = date.today()
    InvoiceFactory(
        company=company,
        number="OLD",
        issue_date=today - timedelta(days=100),
        due_date=today - timedelta(days=70),
    )
    InvoiceFactory(
        company=company, number="NEW", issue_date=today, due_date=today + timedelta(days=30)
    )
    response = viewer_client.get(LIST, {"issued_from": (today - timedelta(days=5)).isoformat()})
    assert [i.number for i in response.context["page"].object_list] == ["NEW"]
    response = viewer_client.get(LIST, {"due_to": (today - timedelta(days=1)).isoformat()})
    assert [i.number for i in response.context["page"].object_list] == ["OLD"]
    response = viewer_client.get(LIST, {"sort": "due_date"})
    assert [i.number for i in response.context["page"].object_list] == ["OLD", "NEW"]
    # unknown sort, bad date, huge page: the list still answers
    response = viewer_client.get(
        LIST, {"sort": "password", "issued_from": "yesterday", "page": "99999"}
    )
    assert response.status_code == 200
    assert {i.number for i in response.context["page"].object_list} == {"OLD", "NEW"}


def test_htmx_request_gets_the_results_partial(viewer_client, company):
    InvoiceFactory(company=company, number="F-HX")
    response = viewer_client.get(LIST, {"q": "F-HX"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "F-HX" in response.text
    assert "<html" not in response.text


def test_list_uses_a_constant_number_of_queries(
    viewer_client, company, django_assert_max_num_queries
):
    for _ in range(3):
        InvoiceFactory(company=company)
    viewer_client.get(LIST)
    with django_assert_max_num_queries(12) as small:
        viewer_client.get(LIST)
    for _ in range(20):
        InvoiceFactory(company=company)
    with django_assert_max_num_queries(len(small.captured_queries)):
        viewer_client.get(LIST)


def test_csv_export_of_the_selection_and_per_line(viewer_client, company):
    InvoiceFactory(company=company, number="X-1", po_number="=HYPERLINK()")
    InvoiceFactory(company=company, number="Y-1", currency="USD")
    response = viewer_client.get(reverse("invoices:export"), {"fmt": "csv", "currency": "EUR"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Invoice number"
    assert [r[0] for r in rows[1:]] == ["X-1"]
    assert rows[1][10] == "'=HYPERLINK()"
    response = viewer_client.get(reverse("invoices:export"), {"fmt": "csv", "lines": "1"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][4] == "Line"
    assert sorted(r[0] for r in rows[1:]) == ["X-1", "Y-1"]
    assert viewer_client.get(reverse("invoices:export"), {"fmt": "pdf"}).status_code == 404


def test_xlsx_export(viewer_client, company):
    from openpyxl import load_workbook

    InvoiceFactory(company=company, number="X-9")
    response = viewer_client.get(reverse("invoices:export"), {"fmt": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value == "X-9"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_xlsx_export_has_the_page_totals_per_currency(client, company, language):
    from openpyxl import load_workbook

    D = Decimal

    def amounts(net, tax):
        return {"subtotal": D(net), "tax_total": D(tax), "total": D(net) + D(tax)}

    InvoiceFactory(company=company, currency="EUR", **amounts("83.75", "16.75"))
    InvoiceFactory(
        company=company, currency="EUR", amount_paid=D("20.00"), **amounts("41.67", "8.33")
    )
    InvoiceFactory(company=company, currency="USD", **amounts("6.50", "0.50"))
    login(client, member(company, email="reader@acme.test", preferred_language=language), company)
    page = {row["currency"]: row for row in client.get(LIST).context["totals"]}
    response = client.get(reverse("invoices:export"), {"fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    # Subtotal, Tax, Total, Amount paid, Open amount (invoices/exports.py)
    subtotal, tax, total, paid, open_amount = 5, 6, 7, 8, 9
    assert rows[0][0] == ("Invoice number" if language == "en" else "Numéro de facture")
    assert rows[0][subtotal] == ("Subtotal" if language == "en" else "Sous-total")
    assert len(rows) == 1 + 3 + 2  # header, the invoices, one totals row per currency
    found = {row[0]: row for row in rows[-2:]}
    assert set(found) == {"Total EUR", "Total USD"}
    for currency, row in page.items():
        line = found[f"Total {currency}"]
        assert Decimal(str(line[total])) == row["sum_total"]
        assert Decimal(str(line[open_amount])) == row["sum_open"]
        # every amount column is summed: HT + TVA = TTC and TTC - paid = open
        data = [r for r in rows[1:-2] if r[4] == currency]
        for column in (subtotal, tax, total, paid, open_amount):
            summed = sum((Decimal(str(r[column])) for r in data), Decimal(0))
            assert Decimal(str(line[column])) == summed, (currency, rows[0][column])
        sums = [Decimal(str(line[c])) for c in (subtotal, tax, total, paid, open_amount)]
        assert sums[0] + sums[1] == sums[2] and sums[2] - sums[3] == sums[4]
    assert Decimal(str(found["Total EUR"][paid])) == Decimal("20.00")
    for column in (subtotal, tax, total, paid, open_amount):
        cell = sheet.cell(row=5, column=column + 1)
        assert cell.font.bold and '"EUR"' in cell.number_format


def test_detail_of_another_company_or_unknown_is_404(viewer_client, company, other_company):
    theirs = InvoiceFactory(company=other_company)
    assert viewer_client.get(reverse("invoices:detail", args=[theirs.number])).status_code == 404
    assert viewer_client.get(reverse("invoices:detail", args=["NOPE"])).status_code == 404
    assert viewer_client.get(reverse("invoices:pdf", args=[theirs.number])).status_code == 404


def test_detail_shows_lines_totals_and_history(viewer_client, company):
    invoice = InvoiceFactory(company=company, number="F-D1")
    InvoiceEvent.objects.create(invoice=invoice, action="issued")
    response = viewer_client.get(invoice.get_absolute_url())
    assert response.status_code == 200
    assert "Server maintenance, 12 months" in response.text
    assert "1,200.00 EUR" in response.text
    assert "Issued" in response.text
    assert "Approve" not in response.text  # a viewer sees no decision form


def test_pdf_inline_and_download_rendered_once(viewer_client, company, settings):
    from django.core.files.storage import default_storage

    invoice = InvoiceFactory(company=company, number="F-PDF")
    response = viewer_client.get(reverse("invoices:pdf", args=[invoice.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    stored = default_storage.listdir("documents/invoices/" + str(company.pk))[1]
    assert len(stored) == 1
    response = viewer_client.get(reverse("invoices:pdf_download", args=[invoice.number]))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == body
    assert default_storage.listdir("documents/invoices/" + str(company.pk))[1] == stored


def test_zip_of_a_small_selection_streams(viewer_client, company):
    a = InvoiceFactory(company=company, number="Z-1")
    b = InvoiceFactory(company=company, number="Z-2")
    response = viewer_client.post(
        reverse("invoices:zip_selection"), {"numbers": [a.number, b.number, "NOT-MINE"]}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["invoice-Z-1.pdf", "invoice-Z-2.pdf"]
    assert archive.read("invoice-Z-1.pdf").startswith(b"%PDF")


def test_zip_of_a_large_selection_is_built_by_the_worker_and_mailed(
    client, company, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    user = member(company, email="zipper@acme.test")
    login(client, user, company)
    a = InvoiceFactory(company=company)
    b = InvoiceFactory(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoices:zip_selection"), {"numbers": [a.number, b.number]})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Ready" in page.text and response.url + "download/" in page.text
    mail = [m for m in mailoutbox if "ZIP" in m.subject]
    assert len(mail) == 1 and response.url in mail[0].body
    download = client.get(response.url + "download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 2
    # another user of the company cannot fetch it
    login(client, member(company, email="other@acme.test"), company)
    assert client.get(response.url).status_code == 404


def test_approver_approves_with_a_message(approver_client, company):
    invoice = InvoiceFactory(company=company)
    response = approver_client.get(invoice.get_absolute_url())
    assert "Approve" in response.text
    response = approver_client.post(
        reverse("invoices:decide", args=[invoice.number]),
        {"decision": "approve", "version": invoice.version, "comment": "ok"},
        follow=True,
    )
    assert f"Invoice {invoice.number} is approved." in response.text
    invoice.refresh_from_db()
    assert invoice.approval_status == ApprovalStatus.APPROVED
    # twice: a clear message, nothing changes
    response = approver_client.post(
        reverse("invoices:decide", args=[invoice.number]),
        {"decision": "reject", "version": invoice.version, "comment": "no"},
        follow=True,
    )
    assert "already approved" in response.text
    invoice.refresh_from_db()
    assert invoice.approval_status == ApprovalStatus.APPROVED


def test_stale_decision_names_the_winner(client, company, approver):
    invoice = InvoiceFactory(company=company)
    first = member(company, role="approver", first_name="Alice", last_name="First")
    login(client, first, company)
    client.post(
        reverse("invoices:decide", args=[invoice.number]), {"decision": "approve", "version": 1}
    )
    login(client, approver, company)
    response = client.post(
        reverse("invoices:decide", args=[invoice.number]),
        {"decision": "reject", "version": 1, "comment": "too expensive"},
        follow=True,
    )
    assert "This invoice was approved by Alice First meanwhile" in response.text
    assert Invoice.objects.get(pk=invoice.pk).approval_status == ApprovalStatus.APPROVED


def test_reject_needs_a_comment(approver_client, company):
    invoice = InvoiceFactory(company=company)
    response = approver_client.post(
        reverse("invoices:decide", args=[invoice.number]),
        {"decision": "reject", "version": 1},
        follow=True,
    )
    assert "Please say why you reject this invoice." in response.text
    assert Invoice.objects.get(pk=invoice.pk).approval_status == ApprovalStatus.TO_VERIFY


def test_viewer_cannot_decide(viewer_client, company):
    invoice = InvoiceFactory(company=company)
    response = viewer_client.post(
        reverse("invoices:decide", args=[invoice.number]), {"decision": "approve", "version": 1}
    )
    assert response.status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).approval_status == ApprovalStatus.TO_VERIFY


def test_kept_totals_follow_a_change_at_once_and_differ_per_selection(
    viewer_client, company, settings, django_capture_on_commit_callbacks
):
    from portal.company_cache import company_changed

    settings.COMPANY_CACHE_SECONDS = 60
    company_changed(company.pk)

    def eur(**params):
        rows = viewer_client.get(LIST, params).context["totals"]
        return {row["currency"]: row["count"] for row in rows}.get("EUR", 0)

    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, payment_status=PaymentStatus.OPEN)
    assert eur() == 1 and eur(payment="paid") == 0 and eur(sort="-total", page="2") == 1
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, payment_status=PaymentStatus.PAID)
    assert eur() == 2 and eur(payment="paid") == 1 and eur(payment="open") == 1


@pytest.mark.parametrize(
    "language, title, summary",
    [("en", "Error:", "Please correct"), ("fr", "Erreur :", "Veuillez corriger")],
)
def test_reject_without_a_comment_marks_the_comment_field(
    client, approver, company, language, title, summary
):
    invoice = InvoiceFactory(company=company)
    approver.preferred_language = language
    approver.save(update_fields=["preferred_language"])
    approver_client = login(client, approver, company)
    response = approver_client.post(
        reverse("invoices:decide", args=[invoice.number]),
        {"decision": "reject", "version": invoice.version, "comment": "  "},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    html = response.text
    textarea = re.search(r"<textarea[^>]*name=\"comment\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="id_comment_error"' in textarea
    message = re.search(r'id="id_comment_error"[^>]*>(.*?)</ul>', html, flags=re.S).group(1)
    assert message.strip()
    assert re.search(r"<title>\s*" + re.escape(title), html)
    assert summary in html and 'href="#id_comment"' in html
    invoice.refresh_from_db()
    assert invoice.approval_status == ApprovalStatus.TO_VERIFY
