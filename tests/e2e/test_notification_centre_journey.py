"""The bell counts and clears: an invoice a colleague shared and an access request waiting
for the administrator show in the header's count, a new one arrives without a reload (the
bell refreshes when the tab comes back into view) and is announced once, opening an entry
lands on its object and the count drops. axe checks every page on the way (0 serious)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from invoices.copies import invoice_send_copy
from portal.services import access_request_submit
from tests.e2e.browsing import sign_in, switch_language, url_for
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("BELL_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=f"{SHOTS}/{name}.png",
            clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": 160},
        )


def test_the_bell_counts_and_clears(page, live_server, e2e_world):
    world = e2e_world
    invoice = InvoiceFactory(company=world.company, number="F-2026-BELL")
    invoice_send_copy(
        invoice=invoice, user=world.viewer, recipients=world.approver.email, mode="link"
    )
    sign_in(page, live_server, world.approver.email)
    bell = page.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    _shot(page, "bell-en-1280")

    colleague = member(world.company, role=None, first_name="Hugo", last_name="Blanc")
    access_request_submit(
        user=colleague, app="invoices", justification="Month-end close", company=world.company
    )
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    expect(page.locator("#bell-announcer")).to_have_text("2 unread notifications")

    page.get_by_role("link", name="Notifications, 2 unread").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator(".notification-list > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Access request: Hugo Blanc asks for Invoices On-Line")
    expect(items.nth(1)).to_contain_text("Claire Martin shared invoice F-2026-BELL with you")

    items.nth(1).get_by_role("link").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/invoices/F-2026-BELL/$"))
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()

    page.goto(url_for(live_server, "portal:notifications"))
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name="Notifications, none unread")).to_be_visible()
    expect(page.get_by_text("All your notifications are marked as read.")).to_be_visible()

    page.get_by_role("link", name="Choose how you are notified").click()
    page.wait_for_load_state("load")
    expiry = page.get_by_role("group", name="Contracts about to expire")
    expiry.get_by_label("In the portal only").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    world.approver.refresh_from_db()
    assert world.approver.channel("contract_expiry") == "portal"

    if SHOTS:
        colleague2 = member(world.company, role=None, first_name="Ines", last_name="Roy")
        access_request_submit(
            user=colleague2, app="contracts", justification="Renewals", company=world.company
        )
        page.goto(url_for(live_server, "portal:profile") + "#notification-preferences")
        page.screenshot(path=f"{SHOTS}/profile-en-1280.png", full_page=True)
        page.goto(url_for(live_server, "portal:notifications"))
        _shot(page, "bell-en-1280-list")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        _shot(page, "bell-en-390")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        switch_language(page, "fr")
        expect(page.get_by_role("link", name="Notifications, 1 non lue")).to_be_visible()
        _shot(page, "bell-fr-1280")
        page.screenshot(path=f"{SHOTS}/bell-fr-1280-page.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        _shot(page, "bell-fr-390")
