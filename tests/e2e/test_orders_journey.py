"""Order Status Online journeys: filter, save a custom report, download it, follow a tracking link;
and a guest checking an order's status without signing in."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import OrderStatus
from tests.e2e.browsing import search, sign_in, url_for
from tests.orders.factories import CarrierFactory, OrderFactory, OrderLineFactory, ShipmentFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def orders(e2e_world):
    company = e2e_world.company
    carrier = CarrierFactory(
        name="Rapid Parcel", tracking_url_template="https://carrier.example/track?n={tracking}"
    )
    shipped = OrderFactory(
        company=company, number="4500001", customer_po="PO-2026-117", status=OrderStatus.SHIPPED
    )
    OrderLineFactory(order=shipped, part_number="7X06-A1B2")
    ShipmentFactory(order=shipped, carrier=carrier, tracking_number="1Z 999/AA")
    OrderFactory(company=company, number="4500002", status=OrderStatus.CONFIRMED)
    OrderFactory(company=company, number="4500003", status=OrderStatus.DELIVERED)
    return shipped


def test_filter_save_report_download_and_track(page, live_server, e2e_world, orders):
    sign_in(page, live_server, e2e_world.viewer.email)
    page.get_by_role("link", name="Order Status Online").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders")
    expect(page.locator("#order-results tbody tr")).to_have_count(3)

    # filter (htmx swaps the results; the same form works without JavaScript)
    page.get_by_label("Status", exact=True).select_option("shipped")
    search(page)
    expect(page.locator("#order-results tbody tr")).to_have_count(1)
    expect(page.locator("#order-results")).to_contain_text("4500001")
    expect(page).to_have_url(re.compile(r"status=shipped"))

    # save the filters as a custom report
    page.reload()
    page.get_by_label("Report name").fill("Shipped orders")
    page.get_by_label("Share with my company").check()
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shipped orders")
    expect(page.locator(".report-table")).to_contain_text("4500001")
    expect(page.locator(".report-table")).not_to_contain_text("4500002")

    # download it
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    content = open(download.path(), encoding="utf-8-sig").read()
    assert "4500001" in content and "4500002" not in content

    # follow the order to its tracking link (no internet in the sandbox: assert the target)
    page.get_by_role("link", name="4500001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Order 4500001")
    track = page.get_by_role("link", name="Track 1Z 999/AA")
    expect(track).to_have_attribute("href", "https://carrier.example/track?n=1Z%20999%2FAA")


def test_guest_checks_an_order_status(page, live_server, e2e_world, orders):
    page.goto(url_for(live_server, "orders:guest"))
    page.get_by_label("Customer number").fill(e2e_world.company.customer_number)
    page.get_by_label("Order number", exact=True).fill("4500001")
    # the order number alone is not enough: the second fact is checked
    page.get_by_label("Purchase order number or delivery postcode").fill("PO-9999")
    page.get_by_role("button", name="Check the status").click()
    results = page.locator(".guest-results")
    expect(results).to_contain_text("We found no order matching these details")
    expect(page.get_by_label("Order number", exact=True)).to_have_value(
        "4500001"
    )  # nothing typed is lost
    page.get_by_label("Purchase order number or delivery postcode").fill("po-2026-117")
    page.get_by_role("button", name="Check the status").click()
    expect(results).to_contain_text("Shipped")
    expect(results.get_by_role("link", name=re.compile("Track"))).to_have_attribute(
        "href", "https://carrier.example/track?n=1Z%20999%2FAA"
    )
    expect(results).not_to_contain_text("7X06-A1B2")
