"""From sign-up to an open application: the ID, the request, the administrator's decision."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, url_for

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Journey-pass-2026"


def _link_from_mail(recipient: str, fragment: str) -> str:
    """The link of the e-mail that went out (the outbox row keeps no key: issue 14)."""
    from django.core import mail

    sent = [m for m in mail.outbox if recipient in m.to]
    assert sent, f"no e-mail to {recipient}"
    return re.search(rf"https?://\S*{re.escape(fragment)}\S*", sent[-1].body).group(0)


def test_sign_up_to_an_open_application(page, live_server, e2e_world, new_context):
    email = "jeanne.newhire@example.test"

    # 1. Create the ID.
    page.goto(url_for(live_server, "account_signup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your IBM ID")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my IBM ID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")

    # 2. Follow the verification link from the e-mail.
    link = _link_from_mail(email, "/accounts/confirm-email/")
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")

    # 3. Ask for Order Status Online with the company's customer number.
    page.get_by_role("link", name="Request access").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request access")
    page.get_by_label("Application").select_option("orders")
    page.get_by_label("Your company's customer number").fill(e2e_world.company.customer_number)
    page.get_by_label("Why do you need access?").fill("I follow the deliveries of our site.")
    page.get_by_role("button", name="Send my request").click()
    # the customer number may have been guessed: the company is not named before approval
    expect(page.locator(".messages")).to_contain_text("has been sent. The company's administrators")
    expect(page.locator("main")).not_to_contain_text("ACME France SA")
    expect(page.get_by_role("table")).to_contain_text("Pending")
    expect(page.get_by_role("table")).to_contain_text(
        f"Customer number {e2e_world.company.customer_number}"
    )

    # 4. The company administrator grants it in "My company".
    admin_page = new_context().new_page()
    sign_in(admin_page, live_server, e2e_world.approver.email)
    admin_page.goto(url_for(live_server, "portal:my_company"))
    row = admin_page.get_by_role("row").filter(has_text=email)
    row.get_by_label("Role").select_option("viewer")
    row.get_by_role("button", name=re.compile("^Grant")).click()
    expect(admin_page.locator(".messages")).to_contain_text("Access granted")

    # 5. The new user sees the application open on the home page.
    page.goto(url_for(live_server, "portal:home"))
    tile = page.locator(".tile").filter(has_text="Order Status Online")
    open_link = tile.get_by_role("link", name="Order Status Online", exact=True)
    expect(open_link).to_be_visible()
    open_link.click()
    expect(page).to_have_url(re.compile(r"/orders/"))


def test_id_and_access_pages_are_accessible(page, live_server, e2e_world):
    """Visit every page of the ID and access flows; the e2e watch runs axe on each."""
    from portal.models import Authorization, HelpContact, Topic

    HelpContact.objects.create(
        country=e2e_world.company.country, topic=Topic.INVOICES, phone="+33 1 00 00 00 00"
    )
    Authorization.objects.create(
        user=e2e_world.newcomer, company=e2e_world.company, app="orders", justification="Audit"
    )
    for name, query in [
        ("account_login", ""),
        ("account_signup", ""),
        ("account_reset_password", ""),
        ("portal:help", ""),
        ("portal:help", "country=FR"),
    ]:
        page.goto(url_for(live_server, name, query=query))
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
    sign_in(page, live_server, e2e_world.approver.email)
    for name in (
        "portal:profile",
        "portal:my_company",
        "portal:request_access",
        "portal:help",
        "account_email",
        "account_change_password",
        "mfa_index",
    ):
        page.goto(url_for(live_server, name))
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
    page.goto(url_for(live_server, "portal:my_company"))
    expect(page.get_by_role("table").first).to_contain_text("newcomer@example.test")
