"""Statements OnLine journey: pick a period, sort the lines, open a credit note's copy,
download the statement PDF."""

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

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
        "the running balance is only shown in date order"
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


SHOTS = (
    Path(os.environ.get("PORTAL_SCREENSHOTS", "")) if os.environ.get("PORTAL_SCREENSHOTS") else None
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pending_payment_apart_and_a_search_keeps_the_period(
    new_context, live_server, e2e_world, statement, language
):
    """The accounts-payable clerk checks the totals with a calculator, then searches."""
    from django.utils import timezone

    from portal.money import format_money
    from statements.models import Payment

    today = timezone.localdate()
    PaymentFactory(
        billing_account=statement["account"],
        reference="VIR-PENDING",
        date=today.replace(day=1),
        amount=Decimal("1234.50"),
        status=Payment.Status.PENDING,
    )
    InvoiceFactory(
        billing_account=statement["account"],
        number="F-NOW",
        issue_date=today.replace(day=1),
        total=Decimal("2000"),
    )
    context = new_context(locale="fr-FR" if language == "fr" else "en-GB")
    page = context.new_page()
    if language == "fr":
        e2e_world.viewer.preferred_language = "fr"
        e2e_world.viewer.save(update_fields=["preferred_language"])
    sign_in(page, live_server, e2e_world.viewer.email)
    page.goto(f"{live_server.url}/statements/BA-7/EUR/")
    # the period shown is the one applied: this year
    expect(page.locator("#id_period")).to_have_value("this_year")
    summary = page.locator(".statement-summary dd")
    values = [text.strip() for text in summary.all_inner_texts()]
    from django.utils import translation

    with translation.override(language):
        assert values[-1] == format_money(Decimal("2550.00"), "EUR")  # 900+400+2000-150-600
        pending = format_money(Decimal("1234.50"))
    expect(page.locator(".pending-note")).to_contain_text(pending)
    expect(page.locator("tr", has_text="VIR-PENDING")).to_contain_text(pending)
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"statement-{language}.png"), full_page=True)
    # a search keeps the period: February's payment is still found
    label = "Number or reference" if language == "en" else "Numéro ou référence"
    page.get_by_label(label).fill("VIR-9")
    page.get_by_role("button", name="Show" if language == "en" else "Afficher").click()
    expect(page.locator(".statements-table tbody tr")).to_have_count(1)
    expect(page.locator("#id_period")).to_have_value("this_year")
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"statement-search-{language}.png"), full_page=True)
