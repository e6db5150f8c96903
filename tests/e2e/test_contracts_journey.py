"""Contracts OnLine journey: submit → route → approve → sign → the signed PDF downloads."""

import re

import pytest
from playwright.sync_api import expect

from contracts.models import Contract, ContractStatus, SigningAuthority
from portal.models import Role
from tests.contracts.factories import contract_in
from tests.e2e.browsing import sign_in, url_for
from tests.factories.portal import member

pytestmark = pytest.mark.e2e


def test_submit_approve_sign_and_download(page, new_context, live_server, e2e_world):
    company = e2e_world.company
    paul = e2e_world.approver  # approver with signing authority
    SigningAuthority.objects.create(company=company, user=paul)
    boss = member(
        company,
        role=Role.APPROVER,
        email="sophie.bernard@acme.test",
        first_name="Sophie",
        last_name="Bernard",
    )
    contract = contract_in(
        ContractStatus.DRAFT, company, actor=paul, title="Storage arrays maintenance"
    )

    # Paul submits the draft and routes it to Sophie
    sign_in(page, live_server, paul.email)
    page.goto(url_for(live_server, "contracts:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    page.get_by_role("link", name=contract.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(contract.number)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".messages")).to_contain_text("The contract was submitted.")
    page.get_by_role("link", name="Send for approval").click()
    page.get_by_label("Approver 1").select_option(label="Sophie Bernard")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text("sent to the first approver")

    # Sophie finds it under "Needs my action" and approves it
    other = new_context().new_page()
    sign_in(other, live_server, boss.email)
    other.goto(url_for(live_server, "contracts:needs_action"))
    other.get_by_role("link", name=contract.number).click()
    other.get_by_label("Comment (required to reject)").fill("Budget confirmed")
    other.get_by_role("button", name="Approve").click()
    expect(other.locator(".messages")).to_contain_text("You approved the contract.")
    expect(other.locator(".badge").first).to_have_text("Awaiting signature")

    # Paul signs: consent is required
    page.goto(url_for(live_server, "contracts:needs_action"))
    page.get_by_role("link", name=contract.number).click()
    page.get_by_role("link", name="Sign").click()
    page.get_by_label("Type your full name").fill("Paul Durand")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("form.form")).to_contain_text("Tick the box")
    page.get_by_label("Type your full name").fill("Paul Durand")
    page.get_by_label(re.compile("I agree to sign this contract electronically")).check()
    # sealing renders and signs a PDF: allow a slow, busy machine more than the default
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Confirm").click(no_wait_after=True)
    expect(page.locator(".messages")).to_contain_text("The contract is signed.")
    expect(page.get_by_role("heading", name="Signatures")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Version 1 signed by Paul Durand")

    with page.expect_download() as info:
        page.get_by_role("link", name="Signed PDF").click()
    download = info.value
    assert download.suggested_filename == f"{contract.number}-v1-signed.pdf"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF") and b"/ETSI.CAdES.detached" in data
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.SIGNED
