"""Invoices On-Line journey: find an invoice, open its PDF, send a copy (a link a colleague
opens without an account), approve another invoice."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import search, sign_in, url_for
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def invoices(e2e_world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    company = e2e_world.company
    return {
        "target": InvoiceFactory(company=company, number="F-2026-000101", po_number="PO-BUDGET-7"),
        "other": InvoiceFactory(company=company, number="F-2026-000102", po_number="PO-OTHER-1"),
        "third": InvoiceFactory(company=company, number="F-2026-000103", po_number="PO-OTHER-2"),
    }


def test_find_open_pdf_send_copy_and_approve(
    page, new_context, live_server, e2e_world, invoices, mailoutbox
):
    sign_in(page, live_server, e2e_world.approver.email)
    page.get_by_role("link", name="Invoices On-Line").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    expect(page.locator(".invoice-list tbody tr")).to_have_count(3)

    # find it by its purchase order number
    page.get_by_label("Invoice, PO or order number").fill("PO-BUDGET")
    search(page)
    expect(page.locator(".invoice-list tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=PO-BUDGET"))
    page.get_by_role("link", name="F-2026-000101", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoice F-2026-000101")

    # open its PDF (the browser session fetches what the link points to) and download it
    href = page.get_by_role("link", name="View the invoice (PDF)").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    assert info.value.suggested_filename == "invoice-F-2026-000101.pdf"

    # send a copy as a link
    page.get_by_role("link", name="Send a copy to a colleague").click()
    page.get_by_label("E-mail addresses").fill("controller@partner.test")
    page.get_by_label("Message (optional)").fill("For the budget meeting")
    page.get_by_label("A link to the PDF, working without an account").check()
    page.get_by_role("button", name="Send the copy").click()
    expect(page.locator(".messages")).to_contain_text(
        "The copy of invoice F-2026-000101 is on its way."
    )
    expect(page.locator("body")).to_contain_text("controller@partner.test")
    (mail,) = [m for m in mailoutbox if m.to == ["controller@partner.test"]]
    link = re.search(r"https?://\S+/invoices/shared/\S+/", mail.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # the colleague, without an account, opens it
    guest = new_context().new_page()
    guest.goto(f"{live_server.url}{path}")
    expect(guest.get_by_role("heading", level=1)).to_have_text("Invoice F-2026-000101")
    guest.close()

    # approve another invoice
    page.goto(url_for(live_server, "invoices:detail", number="F-2026-000102"))
    page.get_by_label("Comment (required to reject)").fill("Checked against the delivery")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Invoice F-2026-000102 is approved.")
    expect(page.locator(".invoice-status")).to_contain_text("Approved")
