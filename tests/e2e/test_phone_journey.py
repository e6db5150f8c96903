"""Phones and zoom (WCAG 1.4.10 reflow): on the demo data, no page of the main set (every
application's list and first detail page, the pages one step further: a statement's
payment, an invoice's dispute and copy forms, a saved order report, a job's page and
My files) scrolls sideways at 390 and 320 px, nor at 200 % zoom of a 1280 px window
(640 CSS px), in English and French; wide tables scroll inside their own container; the header is
a compact bar with a Menu button that opens the application links."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.browsing import switch_language, url_for

pytestmark = pytest.mark.e2e

DEMO_ADMIN = "admin@acme.example"  # company administrator and approver of ACME France
DEMO_PASSWORD = "Portal-demo-2026"
WIDTHS = (390, 320, 640)  # two phones, and a 1280 px window zoomed to 200 %

MAIN_PAGES = [
    "portal:home",
    "portal:help",
    "portal:profile",
    "portal:my_company",
    "contracts:list",
    "contracts:needs_action",
    "contracts:signers",
    "contracts:calendar",
    "contracts:create",
    "orders:list",
    "orders:reports",
    "orders:guest",
    "invoices:list",
    "statements:list",
    "inventory:home",
    "inventory:add",
    "requests_inbox:list",
    "requests_inbox:create",
    "mfa_index",
    "portal:jobs",
]
# The first object of each list, opened from the list as a person would.
DETAIL_LINKS = {
    "contracts:list": r"^/contracts/CT-",
    "orders:list": r"^/orders/order/",
    "invoices:list": r"^/invoices/(?!export|zip)[^/?]+/$",
    "statements:list": r"^/statements/[^/]+/[A-Z]{3}/$",
    "inventory:home": r"^/inventory/items/\d+/$",
    "requests_inbox:list": r"^/requests/CS-",
}

# One step further, from the detail page above (or from the list for saved reports).
FURTHER_LINKS = {
    "statements:list": [r"^/statements/payments/[^/]+/$"],
    "invoices:list": [r"^/invoices/[^/]+/dispute/$", r"^/invoices/[^/]+/copy/$"],
    "orders:reports": [r"^/orders/reports/(?!save/)[^/]+/$"],
}

OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"
# The elements whose right edge lies beyond the viewport, widest first: a failure names them.
TOO_WIDE = """() => [...document.body.querySelectorAll('*')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
  .slice(0, 5)
  .map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`)"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _sign_in_demo_admin(page, live_server):
    page.goto(url_for(live_server, "account_login"))
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(DEMO_ADMIN)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _links(page) -> list[str]:
    return page.locator("main a[href]").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )


def _first(hrefs: list[str], pattern: str) -> str:
    return next(h for h in hrefs if re.match(pattern, h))


def _main_set(page, live_server) -> list[str]:
    urls = [url_for(live_server, name) for name in MAIN_PAGES]
    for name, pattern in DETAIL_LINKS.items():
        page.goto(url_for(live_server, name))
        detail = live_server.url + _first(_links(page), pattern)
        urls.append(detail)
        page.goto(detail)
        urls += [live_server.url + _first(_links(page), p) for p in FURTHER_LINKS.get(name, [])]
        if name == "statements:list":
            # The statement's PDF is a job: its page (progress, then the download).
            pdf = page.locator("main a[href*='/pdf/']").first.get_attribute("href")
            page.goto(live_server.url + pdf, timeout=60_000)  # the PDF is made meanwhile
            expect(page).to_have_url(re.compile(r"/files/\d+/$"))
            urls.append(page.url)
    page.goto(url_for(live_server, "orders:reports"))
    urls += [live_server.url + _first(_links(page), p) for p in FURTHER_LINKS["orders:reports"]]
    return urls


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_of_the_main_set_scrolls_sideways_on_a_phone(page, live_server, demo, language):
    _sign_in_demo_admin(page, live_server)
    if page.locator("html").get_attribute("lang") != language:
        switch_language(page, language)
    urls = _main_set(page, live_server)
    further = sum(len(patterns) for patterns in FURTHER_LINKS.values())
    assert len(set(urls)) == len(MAIN_PAGES) + len(DETAIL_LINKS) + further + 1  # + the job

    too_wide = []
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844 if width < 640 else 450})
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                too_wide.append(
                    f"{url} at {width} px: {overflow} px too wide: {page.evaluate(TOO_WIDE)}"
                )
    assert too_wide == []


def test_wide_tables_scroll_inside_their_container(page, live_server, demo):
    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in_demo_admin(page, live_server)
    page.goto(url_for(live_server, "orders:list"))
    wrap = page.locator(".table-wrap").filter(has=page.locator("table.orders-table"))
    assert wrap.evaluate("(el) => el.scrollWidth > el.clientWidth")
    # The scrolling table is a named region a keyboard user can focus and scroll.
    expect(wrap).to_have_attribute("tabindex", "0")
    expect(wrap).to_have_attribute("role", "region")
    assert page.evaluate(OVERFLOW) <= 0


def test_the_header_is_a_compact_bar_with_a_menu_button(page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in_demo_admin(page, live_server)
    switch_language_on_phone = page.get_by_role("button", name=re.compile("English|Français"))
    expect(switch_language_on_phone).to_be_hidden()  # folded in the menu
    header = page.get_by_role("banner")
    assert header.bounding_box()["height"] < 0.15 * 844

    menu = page.locator("summary", has_text=re.compile("^Menu$"))
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # the main touch action of the header
    menu.click()
    nav = page.get_by_role("navigation", name=re.compile("Applications"))
    expect(nav.get_by_role("link", name=re.compile("Factures|Invoices"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("Factures|Invoices")).click()
    expect(page).to_have_url(re.compile("/invoices/$"))
    # The URL changes when the response commits, before the style sheets apply: measure
    # the laid-out page (a busy machine showed the bare, unstyled table 575 px too wide).
    page.wait_for_load_state("load")
    expect(page.locator("summary", has_text=re.compile("^Menu$"))).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0, page.evaluate(TOO_WIDE)

    # On a desktop the same header shows everything at once, without the button.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("summary", has_text=re.compile("^Menu$"))).to_be_hidden()
    expect(page.get_by_role("navigation", name=re.compile("Applications"))).to_be_visible()


def test_the_menu_works_without_javascript(new_context, live_server, demo):
    context = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in_demo_admin(page, live_server)
    nav = page.get_by_role("navigation", name=re.compile("Applications"))
    expect(nav).to_be_hidden()
    page.locator("summary", has_text=re.compile("^Menu$")).click()
    expect(nav).to_be_visible()


def test_my_company_folds_each_members_rights(page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in_demo_admin(page, live_server)
    page.goto(url_for(live_server, "portal:my_company"))
    members = page.locator("section.member")
    assert members.count() >= 3
    # Each member is a name, badges and a "Change rights" button: a few screens, not 4,850 px.
    assert page.evaluate("document.scrollingElement.scrollHeight") < 844 * 4
    first = members.first
    expect(first.get_by_role("combobox").first).to_be_hidden()
    first.locator("summary").click()
    expect(first.get_by_role("combobox").first).to_be_visible()


@pytest.mark.parametrize("list_name", ["orders:list", "invoices:list"])
def test_filters_fold_so_the_first_result_is_on_the_first_screen(
    page, live_server, demo, list_name
):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in_demo_admin(page, live_server)
    page.goto(url_for(live_server, list_name))
    form = page.get_by_role("search")
    expect(form).to_be_hidden()
    expect(page.locator("main tbody tr").first).to_be_in_viewport()
    page.locator("summary", has_text=re.compile("^(Filters|Filtres)$")).click()
    expect(form).to_be_visible()
    # Every field takes the full width: labels and inputs line up, nothing ragged.
    lefts = form.locator("input:visible, select:visible").evaluate_all(
        "(els) => els.map((el) => Math.round(el.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1
    # On a desktop the form is simply there.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(form).to_be_visible()
    expect(page.locator("summary", has_text=re.compile("^(Filters|Filtres)$"))).to_be_hidden()


def test_touch_targets_are_large_enough(new_context, live_server, demo):
    page = new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    ).new_page()
    page.goto(url_for(live_server, "account_login"))
    forgot = page.get_by_role("link", name="Forgot your password?")
    expect(forgot).to_have_count(1)
    assert forgot.bounding_box()["height"] >= 24
    sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
    assert sign_in_button.bounding_box()["height"] >= 44  # the main action on a touch screen
    _sign_in_demo_admin(page, live_server)
    page.goto(url_for(live_server, "invoices:list"))
    boxes = page.locator("main input[type=checkbox]").evaluate_all(
        "(els) => els.map((el) => el.getBoundingClientRect()).map((r) => [r.width, r.height])"
    )
    assert boxes and all(w >= 24 and h >= 24 for w, h in boxes)


def test_an_invoices_sums_are_in_view_on_a_phone(page, live_server, demo):
    """The lines scroll sideways in their container; the sums below them do not hide at
    its far right (the table's footer showed empty rows on a 390 px screen)."""
    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in_demo_admin(page, live_server)
    # A paid demo invoice: its lines, its sums and the payment that settled it.
    page.goto(url_for(live_server, "invoices:detail", number="FR-INV-2026100"))
    page.wait_for_load_state("load")
    sums = page.locator("table.invoice-sums")
    sums.scroll_into_view_if_needed()
    for cell in sums.locator("th, td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, cell.inner_text()
    expect(sums.locator("tr").last).to_contain_text(re.compile(r"Total TTC|Total including VAT"))
    # Each amount keeps its currency on its line ("3 675,00 EUR" wrapped before EUR).
    lines_per_amount = sums.locator("td").evaluate_all(
        "(cells) => cells.map((td) => { const r = document.createRange();"
        " r.selectNodeContents(td); return new Set([...r.getClientRects()].map((b) => b.top)).size; })"
    )
    assert set(lines_per_amount) == {1}
    # The payments' table scrolls in a container named like its section: a group inside
    # the section's region, not a second "Payments and credit notes" landmark.
    settled = page.locator("section[aria-labelledby=settled-heading]")
    expect(settled.locator(".table-wrap")).to_have_attribute("role", "group")
    expect(
        page.get_by_role("region", name=re.compile("Paiements et avoirs|Payments and"))
    ).to_have_count(1)
