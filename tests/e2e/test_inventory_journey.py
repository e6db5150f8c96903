"""Inventory journey: find a machine by serial number, open its contract, request a move,
see the request acknowledged."""

import pytest
from playwright.sync_api import expect

from inventory.models import ChangeRequest
from portal.models import Notification
from tests.contracts.factories import ContractFactory
from tests.e2e.browsing import sign_in, url_for
from tests.factories.portal import SiteFactory
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.e2e


def test_find_a_machine_open_its_contract_and_request_a_move(page, live_server, viewer, company):
    make_online(company)
    paris = SiteFactory(company=company, name="Paris La Défense")
    lyon = SiteFactory(company=company, name="Lyon Part-Dieu")
    contract = ContractFactory(
        company=company,
        number="K-77001",
        status="active",
        sla_response_hours=4,
        sla_coverage_hours="24x7",
    )
    ItemFactory(site=paris, serial_number="78ZZ001")
    ItemFactory(site=paris, serial_number="78TARGET", maintenance_contract=contract)

    sign_in(page, live_server, viewer.email)
    page.goto(url_for(live_server, "inventory:home"))
    page.get_by_label("Serial number, machine type, model or product").fill("78TARGET")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("78ZZ001")).to_have_count(0)
    page.get_by_role("link", name="9009-42A").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("78TARGET")
    expect(page.get_by_text("24x7")).to_be_visible()

    page.get_by_role("link", name="K-77001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("K-77001")
    page.go_back()

    page.get_by_role("link", name="Move to another site").click()
    page.get_by_label("New site").select_option(label=str(lyon))
    page.get_by_label("Comment for customer service").fill("Moved to the Lyon machine room.")
    page.get_by_role("button", name="Send the request").click()

    change = ChangeRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move to another site")
    expect(page.locator("main")).to_contain_text(change.request.number)
    expect(page.get_by_text("acknowledgement by e-mail")).to_be_visible()
    acknowledgement = Notification.objects.get(
        recipient=viewer.email, template__contains="acknowledgement"
    )
    assert acknowledgement.status == Notification.Status.SENT
    assert change.request.number in acknowledgement.subject
