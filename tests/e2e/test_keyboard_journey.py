"""Keyboard only, as a screen-reader user would: a list sorted, filtered and paged
with htmx keeps the focus where it makes sense and says the result in one short
polite sentence (one live region for every list, templates/portal/_results_announcer.html)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.browsing import url_for

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Portal-demo-2026"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _sign_in(page, live_server, email="admin@acme.example"):
    page.goto(url_for(live_server, "account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _idle(page):
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus (as a keyboard user walks a page)."""
    for _ in range(limit):
        if locator.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never got the focus with Tab")


def test_a_list_sorted_filtered_and_paged_with_the_keyboard(page, live_server, demo):
    _sign_in(page, live_server)
    page.goto(url_for(live_server, "orders:list"))
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    announcer = page.locator("#results-announcer")
    results = page.locator("#order-results")
    # No live region around the whole results: only the short announcer speaks.
    expect(results).not_to_have_attribute("aria-live", re.compile(".*"))

    # Sort by total with the keyboard: the link is replaced, the focus goes to the count.
    total_header = page.get_by_role("link", name=re.compile("^Total"))
    _tab_to(page, total_header)
    page.keyboard.press("Enter")
    _idle(page)
    status = results.locator("[data-results-status]")
    expect(status).to_be_focused()
    expect(announcer).to_have_text(
        re.compile(r"^25 of 36 orders, sorted by Total, (ascending|descending), Page 1 of 2$")
    )
    expect(results.locator("th[aria-sort]")).to_contain_text("Total")

    # Next page: focus on the count again, the page is said.
    next_link = page.get_by_role("link", name="Next")
    _tab_to(page, next_link)
    page.keyboard.press("Enter")
    _idle(page)
    expect(status).to_be_focused()
    expect(announcer).to_have_text(re.compile(r"^11 of 36 orders, sorted by Total, .*Page 2 of 2$"))

    # A filter field keeps the focus while the results change under it.
    status_select = page.get_by_label("Status", exact=True)
    status_select.focus()
    page.keyboard.press("ArrowDown")
    _idle(page)
    expect(status_select).to_be_focused()
    expect(announcer).to_have_text(re.compile(r"^\d+ orders?"))


@pytest.mark.parametrize(
    "name, header, noun",
    [
        ("invoices:list", "Due date", "invoices? selected"),
        ("requests_inbox:list", "Subject", "requests?"),
        ("contracts:list", "Title", "contracts?"),
    ],
)
def test_every_list_announces_a_sort_and_focuses_its_results_heading(
    page, live_server, demo, name, header, noun
):
    """Lists whose sort links were plain page loads now change with htmx like the others:
    the focus goes to the results heading and one short sentence is announced."""
    _sign_in(page, live_server)
    page.goto(url_for(live_server, name))
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    link = page.get_by_role("link", name=re.compile(f"^{header}"))
    url = page.url
    _tab_to(page, link)
    page.keyboard.press("Enter")
    _idle(page)
    heading = page.locator("h2[data-results-status]")
    expect(heading).to_be_focused()
    expect(page.locator("th[aria-sort]")).to_contain_text(header)
    expect(page.locator("#results-announcer")).to_have_text(
        re.compile(rf"^(\d+ of )?\d+ {noun}, sorted by {header}, (ascending|descending)")
    )
    assert page.url != url and "sort=" in page.url  # the sort is in the address (back works)


def test_the_announcement_is_in_french_too(new_context, live_server, demo):
    page = new_context(locale="fr-FR").new_page()
    _sign_in(page, live_server)
    page.goto(url_for(live_server, "orders:list"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name=re.compile("^Total")).click()
    _idle(page)
    expect(page.locator("#results-announcer")).to_have_text(
        re.compile(r"^25 sur 36 commandes, tri : Total, (croissant|décroissant), Page 1 sur 2$")
    )


def test_the_idle_warning_offers_to_stay_signed_in(page, live_server, demo):
    page.clock.install()
    _sign_in(page, live_server, "viewer@acme.example")
    page.goto(url_for(live_server, "requests_inbox:create"))
    dialog = page.locator("#session-warning")
    expect(dialog).to_be_hidden()
    page.clock.run_for("27:00")
    expect(dialog).to_be_hidden()
    page.clock.run_for("01:30")  # two minutes before the end of 30 idle minutes
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name=re.compile("Stay signed in|Rester connecté"))
    expect(stay).to_be_focused()  # a modal dialog: the keyboard is on its only action
    with page.expect_response(lambda r: "/session/extend/" in r.url) as extended:
        page.keyboard.press("Enter")
    assert extended.value.status == 204
    expect(dialog).to_be_hidden()
    page.clock.run_for("27:00")
    expect(dialog).to_be_hidden()
    page.clock.run_for("03:30")
    expect(dialog).to_be_visible()
    page.clock.run_for("02:00")  # nothing done: the session is over, the dialog says so
    expect(
        dialog.get_by_role("link", name=re.compile("Sign in again|Se reconnecter"))
    ).to_be_visible()
    expect(stay).to_be_hidden()


def test_nothing_typed_is_lost_when_the_session_ends(page, live_server, demo):
    _sign_in(page, live_server, "viewer@acme.example")
    page.goto(url_for(live_server, "requests_inbox:create"))
    form = page.locator("form[data-draft]")
    subject = form.locator("input[name=subject]")
    body = form.locator("textarea[name=message]")
    subject.fill("Invoice FR-INV-2026100 twice")
    body.fill("We received this invoice twice; please cancel one.")
    page.context.clear_cookies(name="sessionid")  # the session ends while writing
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    page.locator("input[name=login]").fill("viewer@acme.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(url_for(live_server, "requests_inbox:create"))
    expect(subject).to_have_value("Invoice FR-INV-2026100 twice")
    expect(body).to_have_value("We received this invoice twice; please cancel one.")
    # Sent: the draft is forgotten.
    topic = form.locator("select[name=category]")
    if topic.count():
        topic.select_option(index=1)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/requests/CS-"))
    page.goto(url_for(live_server, "requests_inbox:create"))
    expect(subject).to_have_value("")
    expect(body).to_have_value("")


def _english(page):
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def _focused_text(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_home_to_invoice_approve_and_dispute_with_the_keyboard(page, live_server, demo):
    _sign_in(page, live_server)
    _english(page)
    page.goto(url_for(live_server, "portal:home"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    # Home: the figure link says what it counts, and leads to those invoices.
    to_verify = page.get_by_role("link", name=re.compile(r"^\d+ Invoices to verify$"))
    _tab_to(page, to_verify)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/invoices/\?approval=to_verify"))
    first = page.locator("table.invoice-list tbody tr a").first
    number = first.inner_text()
    _tab_to(page, first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    # Reject without a comment: the error summary has the focus and leads to the field.
    reject = page.get_by_role("button", name="Reject")
    _tab_to(page, reject)
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    comment = page.get_by_role("textbox", name=re.compile("Comment"))
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_have_accessible_description(re.compile("say why"))
    page.keyboard.type("Checked against the delivery note.")
    approve = page.get_by_role("button", name="Approve")
    _tab_to(page, approve)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(f"Invoice {number} is approved.")

    # Dispute another invoice: lines with Space, the reason typed, sent with Enter.
    page.goto(url_for(live_server, "invoices:list", query="approval=to_verify"))
    other = page.locator("table.invoice-list tbody tr a").first
    other_number = other.inner_text()
    _tab_to(page, other)
    page.keyboard.press("Enter")
    dispute = page.get_by_role("link", name="Dispute")
    _tab_to(page, dispute)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Dispute invoice {other_number}")
    first_line = page.get_by_role("checkbox").first
    _tab_to(page, first_line)
    page.keyboard.press("Space")
    expect(first_line).to_be_checked()
    _tab_to(page, page.get_by_role("textbox", name="What is wrong?"))
    page.keyboard.type("Line 1 was not delivered.")
    _tab_to(page, page.get_by_role("button", name="Send the dispute"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("disputed")


def test_write_to_us_with_an_attachment_with_the_keyboard(page, live_server, demo, tmp_path):
    attachment = tmp_path / "delivery-note.pdf"
    attachment.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    _sign_in(page, live_server, "viewer@acme.example")
    _english(page)
    page.goto(url_for(live_server, "requests_inbox:create"))
    form = page.locator("form[data-draft]")
    _tab_to(page, form.get_by_label("Subject"))
    page.keyboard.type("Missing delivery note")
    _tab_to(page, form.get_by_label("Message"))
    page.keyboard.type("Please find the delivery note attached.")
    files = form.get_by_label("Attachments")
    _tab_to(page, files)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(attachment))
    _tab_to(page, form.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/requests/CS-"))
    # The new page starts on what happened: the message has the focus, so it is read out.
    message = page.get_by_role("status").filter(
        has_text=re.compile(r"Your request CS-\S+ was sent")
    )
    expect(message).to_be_focused()
    expect(page.get_by_role("main")).to_contain_text("delivery-note.pdf")


def test_an_order_status_lookup_starts_on_its_result_with_the_keyboard(
    new_context, live_server, demo
):
    """The answer is under the form: after sending it, the focus is on the result, so a
    screen reader says it and a phone shows it (the page used to start at the top)."""
    page = new_context(locale="fr-FR", viewport={"width": 390, "height": 844}).new_page()
    page.goto(url_for(live_server, "orders:guest"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _tab_to(page, page.get_by_label("Numéro client"))
    page.keyboard.type("0100001")
    page.keyboard.press("Tab")
    page.keyboard.type("FR4500100")
    page.keyboard.press("Tab")
    page.keyboard.type("00000")  # a wrong second fact
    page.keyboard.press("Enter")
    result = page.get_by_role("heading", name="Résultat")
    expect(result).to_be_focused()
    expect(result).to_be_in_viewport()
    expect(page.locator(".guest-results")).to_contain_text("Nous n'avons trouvé aucune commande")
    expect(page.get_by_label("Numéro client")).to_have_value("0100001")  # nothing typed is lost
