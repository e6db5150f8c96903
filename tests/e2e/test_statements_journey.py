"""Statements OnLine journey: pick a period, sort the lines, open a credit note's copy,
download the statement PDF."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in
from tests.statements.factories import (
    BillingAccountFactory,
    CreditNoteFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def statement(e2e_world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    account = BillingAccountFactory(company=e2e_world.company, number="BA-7", name="ACME Paris")
    old = InvoiceFactory(
        billing_account=account, number="F-100", issue_date=date(2026, 1, 5), total=Decimal("900")
    )
    new = InvoiceFactory(
        billing_account=account, number="F-101", issue_date=date(2026, 2, 3), total=Decimal("400")
    )
    CreditNoteFactory(
        billing_account=account,
        number="AV-55",
        invoice=old,
        date=date(2026, 2, 10),
        amount=Decimal("150"),
    )
    payment = PaymentFactory(
        billing_account=account, reference="VIR-9", date=date(2026, 2, 20), amount=Decimal("600")
    )
    PaymentAllocationFactory(payment=payment, invoice=old, amount=Decimal("600"))
    return {"account": account, "invoices": [old, new]}


def test_period_sort_credit_note_copy_and_statement_pdf(page, live_server, e2e_world, statement):
    sign_in(page, live_server, e2e_world.viewer.email)
    page.get_by_role("link", name="Statements OnLine").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account statements")
    page.get_by_role("link", name="Statement BA-7 in EUR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statement of account BA-7")

    # pick February 2026
    page.get_by_label("Period").select_option("custom")
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_label("To").fill("2026-02-28")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"start=2026-02-01"))
    rows = page.locator(".statements-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator(".statement-summary")).to_contain_text("900.00 EUR")  # opening
    expect(page.locator(".statement-summary")).to_contain_text("550.00 EUR")  # closing
    expect(rows.first).to_contain_text("F-101")
    expect(rows.last).to_contain_text("550.00")

    # sort by credit, largest first: the page says the running balance keeps date order
    page.get_by_role("link", name="Credit", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=credit"))
    page.get_by_role("link", name="Credit", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=-credit"))
    expect(rows.first).to_contain_text("VIR-9")
    expect(page.get_by_role("note")).to_contain_text(
        "running balance is always computed in date order"
    )

    # the credit note's copy
    href = page.get_by_role("link", name="Credit note AV-55 (PDF)").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # the payment's details
    page.get_by_role("link", name="Payment VIR-9").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment VIR-9")
    expect(page.locator("table")).to_contain_text("F-100")
    page.go_back()

    # the statement document for the period: prepared as a job, then downloaded
    page.get_by_role("link", name="Download the statement (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement (PDF)")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download statement-BA-7-EUR").click()
    assert info.value.suggested_filename == "statement-BA-7-EUR-20260201-20260228.pdf"
    with open(info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
