"""Platform journeys: the home page in both languages, the language switch, the
signed-in one-stop shop with the company's applications, the friendly 404 page."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Role
from tests.e2e.browsing import sign_in, switch_language, url_for
from tests.factories.portal import CompanyFactory, CountryFactory, member

pytestmark = pytest.mark.e2e


def test_anonymous_home_page_in_english(page, live_server):
    page.goto(url_for(live_server, "portal:home"))

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile("Customer Service Online"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Sign in with your IBM ID")).to_be_visible()
    expect(main.get_by_role("link", name="Create your IBM ID")).to_be_visible()
    for app in ("Contracts OnLine", "Order Status Online", "Invoices On-Line", "My requests"):
        expect(main.get_by_role("heading", name=app)).to_be_visible()
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    expect(
        page.get_by_role("contentinfo").get_by_role("link", name="Where to find help")
    ).to_be_visible()

    # The skip link is the first stop of the keyboard and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_anonymous_home_page_in_french_for_a_french_browser(new_context, live_server):
    page = new_context(locale="fr-FR").new_page()
    page.goto(url_for(live_server, "portal:home"))

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service clientèle en ligne")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Connectez-vous avec votre IBM ID")).to_be_visible()
    expect(main.get_by_role("heading", name="Comment ça marche")).to_be_visible()
    expect(main.get_by_role("heading", name="Suivi des commandes en ligne")).to_be_visible()
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_attached()
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_language_switch_to_french_and_back(page, live_server):
    page.goto(url_for(live_server, "portal:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service clientèle en ligne")
    expect(page).to_have_url(url_for(live_server, "portal:home"))

    # The choice is remembered on the next visit.
    page.goto(url_for(live_server, "portal:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Service clientèle en ligne")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")


def test_signed_in_home_shows_the_company_applications(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.viewer.email)

    expect(page).to_have_url(url_for(live_server, "portal:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Claire")
    expect(page.get_by_role("main")).to_contain_text("ACME France SA")
    tiles = page.locator(".tile")
    expect(tiles).to_have_count(6)
    orders = tiles.filter(has_text="Order Status Online")
    expect(orders.get_by_role("link", name="Order Status Online", exact=True)).to_have_attribute(
        "href", "/orders/"
    )
    nav = page.get_by_role("navigation", name="Applications")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Invoices On-Line")).to_be_visible()

    # The user menu (a disclosure that works without JavaScript) leads to the profile.
    page.get_by_text("Claire Martin", exact=True).click()
    account = page.get_by_role("navigation", name="Your account")
    expect(account).to_contain_text("claire.martin@acme.test")
    expect(account.get_by_role("link", name="My profile")).to_be_visible()
    expect(account.get_by_role("link", name="My company")).to_have_count(0)  # not an admin
    page.keyboard.press("Escape")
    expect(account).to_be_hidden()
    expect(page.locator(".user-menu summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(account).to_be_visible()
    account.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("main").get_by_role("link", name="Sign in with your IBM ID")
    ).to_be_visible()


def test_home_offers_only_the_country_applications_and_access_requests(page, live_server):
    us = CountryFactory(code="US", name="United States", apps=["orders", "invoices", "requests"])
    globex = CompanyFactory(country=us, name="Globex Corporation")
    user = member(globex, role=Role.VIEWER, apps=["orders"], email="hank@globex.test")
    user.first_name = "Hank"
    user.save()

    sign_in(page, live_server, user.email)

    tiles = page.locator(".tile")
    expect(tiles).to_have_count(3)
    expect(page.get_by_role("main")).not_to_contain_text("Contracts OnLine")
    expect(
        tiles.filter(has_text="Order Status Online").get_by_role(
            "link", name=re.compile("^Open Order Status Online")
        )
    ).to_be_visible()
    invoices = tiles.filter(has_text="Invoices On-Line")
    expect(invoices.get_by_role("link", name=re.compile("Request access"))).to_have_attribute(
        "href", "/access/request/?app=invoices"
    )
    nav = page.get_by_role("navigation", name="Applications")
    expect(nav.get_by_role("link")).to_have_count(4)  # Home + the three offered


def test_member_of_two_companies_switches_company(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.approver.email)
    expect(page.get_by_role("main")).to_contain_text("ACME France SA")

    page.get_by_label("Company").select_option(label="ACME Services SAS")
    page.get_by_role("button", name="Switch").click()

    expect(page.get_by_role("main")).to_contain_text("ACME Services SAS")
    expect(page.get_by_label("Company")).to_have_value(str(e2e_world.second_company.pk))


def test_signed_in_language_choice_follows_the_user(page, live_server, e2e_world, new_context):
    sign_in(page, live_server, e2e_world.viewer.email)
    switch_language(page, "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Claire")
    expect(page.get_by_role("navigation", name="Applications")).to_contain_text("Factures en ligne")

    # Another browser, English by default: the preference of the ID wins once signed in.
    other = new_context().new_page()
    sign_in(other, live_server, e2e_world.viewer.email)
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    expect(other.get_by_role("heading", level=1)).to_have_text("Bienvenue, Claire")


def test_newcomer_without_company_is_invited_to_request_access(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.newcomer.email)
    expect(page.get_by_role("main")).to_contain_text("Your ID is ready")
    page.get_by_role("main").get_by_role("link", name="Request access").click()
    expect(page).to_have_url(url_for(live_server, "portal:request_access"))


@pytest.mark.parametrize(
    ("locale", "title", "back"),
    [
        ("en-GB", "Page not found", "Back to the home page"),
        ("fr-FR", "Page introuvable", "Retour à la page d'accueil"),
    ],
)
def test_unknown_address_gives_a_friendly_404(new_context, live_server, locale, title, back):
    page = new_context(locale=locale).new_page()
    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name=back).click()
    expect(page).to_have_url(url_for(live_server, "portal:home"))


def test_signed_in_404_keeps_the_portal_around(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.viewer.email)
    switch_language(page, "fr")
    response = page.goto(f"{live_server.url}/invoices/does-not-exist/nothing/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_role("navigation", name="Applications")).to_be_visible()


def test_home_fits_a_phone_screen(new_context, live_server, e2e_world):
    page = new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    ).new_page()
    sign_in(page, live_server, e2e_world.approver.email)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px wide)"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator("summary", has_text="Menu").click()  # the compact header's menu button
    page.locator(".user-menu summary").click()
    expect(
        page.get_by_role("navigation", name="Your account").get_by_role("link", name="My company")
    ).to_be_in_viewport()


def test_an_expired_form_gives_a_friendly_page(page, live_server):
    page.goto(url_for(live_server, "portal:home"))
    page.context.clear_cookies()  # as after a long pause or with cookies refused

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Français").click()

    assert navigation.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    page.get_by_role("link", name="Back to the home page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")


def test_a_viewer_on_an_approver_page_gets_a_friendly_403(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.viewer.email)
    response = page.goto(url_for(live_server, "contracts:create"))

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_role("main")).to_contain_text(
        "Your company administrator can change your rights."
    )
    page.get_by_role("link", name="Back to the home page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Claire")


def test_printing_a_page_keeps_the_content_only(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.viewer.email)
    page.emulate_media(media="print")

    expect(page.get_by_role("navigation", name="Applications")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".tile").first).to_be_visible()


def test_the_portal_works_without_javascript(new_context, live_server, e2e_world):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, e2e_world.approver.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Paul")

    page.get_by_text("Paul Durand", exact=True).click()  # a native <details> disclosure
    expect(page.get_by_role("navigation", name="Your account")).to_be_visible()
    page.get_by_label("Company").select_option(label="ACME Services SAS")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("main")).to_contain_text("ACME Services SAS")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Paul")
