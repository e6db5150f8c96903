"""Links that land: an e-mail link of another company, the guest order lookup, help."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Authorization, Role
from tests.e2e.browsing import sign_in, switch_language, url_for
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.e2e


def test_email_link_of_the_other_company_switches_to_it(page, live_server, e2e_world):
    """Paul works for both companies; ACME France is active, the link is of ACME Services."""
    world = e2e_world
    Authorization.objects.create(
        user=world.approver,
        company=world.second_company,
        app="requests",
        role=Role.VIEWER,
        status=Authorization.Status.GRANTED,
    )
    theirs = RequestFactory(
        company=world.second_company, requester=world.approver, subject="Delivery to Lyon"
    )
    sign_in(page, live_server, world.approver.email)
    expect(page.locator("body")).to_contain_text("ACME France SA")

    page.goto(url_for(live_server, "requests_inbox:detail", number=theirs.number))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delivery to Lyon")
    expect(page.locator(".messages")).to_contain_text(
        "This link belongs to ACME Services SAS: it is now your active company."
    )
    page.screenshot(path="/tmp/ru-link-switch-en.png", full_page=True)

    # A link of an object of neither company the user can open: the usual 404.
    stranger = RequestFactory(subject="Not yours")
    response = page.goto(url_for(live_server, "requests_inbox:detail", number=stranger.number))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Not yours")

    # In French, back to ACME France through a link of its own.
    switch_language(page, "fr")
    mine = RequestFactory(company=world.company, requester=world.approver, subject="Facture")
    page.goto(url_for(live_server, "requests_inbox:detail", number=mine.number))
    expect(page.locator(".messages")).to_contain_text(
        "Ce lien concerne ACME France SA : c'est maintenant votre société active."
    )
    page.screenshot(path="/tmp/ru-link-switch-fr.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_guest_lookup_is_linked_from_home_sign_in_and_help(page, live_server, e2e_world, language):
    names = {
        "en": "Check an order's status without an account",
        "fr": "Consulter l'état d'une commande sans compte",
    }
    page.goto(url_for(live_server, "portal:home"))
    if language == "fr":
        switch_language(page, "fr")
    for start in ["portal:home", "account_login", "portal:help"]:
        page.goto(url_for(live_server, start))
        page.get_by_role("link", name=names[language]).click()
        expect(page).to_have_url(re.compile(r"/orders/guest/$"))
        expect(page.locator("input[name=customer_number]")).to_be_visible()
    page.screenshot(path=f"/tmp/ru-guest-{language}.png", full_page=True)


@pytest.mark.parametrize(
    "language,texts",
    [
        ("en", {"write": "Write to us", "send": "Send", "subject": "Subject", "msg": "Message"}),
        ("fr", {"write": "Écrivez-nous", "send": "Envoyer", "subject": "Objet", "msg": "Message"}),
    ],
)
def test_a_member_without_any_application_writes_to_us_from_help(
    page, live_server, e2e_world, language, texts
):
    """Nina belongs to ACME but no application is granted yet: help leads to the form."""
    from portal.models import Membership
    from requests_inbox.models import Request

    world = e2e_world
    Membership.objects.create(user=world.newcomer, company=world.company)
    sign_in(page, live_server, world.newcomer.email)
    if language == "fr":
        switch_language(page, "fr")
    page.goto(url_for(live_server, "portal:help"))
    page.get_by_role("link", name=texts["write"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["write"])
    page.get_by_label(texts["subject"]).fill("Who is our administrator?")
    page.get_by_label(texts["msg"], exact=True).fill("We need an administrator for ACME.")
    page.get_by_role("button", name=texts["send"], exact=True).click()
    created = Request.objects.get(requester=world.newcomer)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who is our administrator?")
    expect(page.locator("body")).to_contain_text(created.number)
    page.screenshot(path=f"/tmp/ru-write-{language}.png", full_page=True)


@pytest.mark.parametrize(
    "language,label,expected",
    [
        ("en", "Time zone for pages, e-mails and PDFs", "JST"),
        ("fr", "Fuseau horaire des pages, e-mails et PDF", "JST"),
    ],
)
def test_a_user_chooses_a_time_zone_and_times_name_it(
    page, live_server, e2e_world, language, label, expected
):
    from datetime import UTC, datetime

    from requests_inbox.models import Request

    world = e2e_world
    mine = RequestFactory(company=world.company, requester=world.viewer, subject="Toner")
    Request.objects.filter(pk=mine.pk).update(created_at=datetime(2026, 12, 1, 2, 40, tzinfo=UTC))
    sign_in(page, live_server, world.viewer.email)
    if language == "fr":
        switch_language(page, "fr")
    page.goto(url_for(live_server, "requests_inbox:detail", number=mine.number))
    expect(page.locator("body")).to_contain_text("CET")  # France: Paris time, named
    page.goto(url_for(live_server, "portal:profile"))
    page.get_by_label(label).select_option("Asia/Tokyo")
    page.locator("form").filter(has=page.get_by_label(label)).locator("[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto(url_for(live_server, "requests_inbox:detail", number=mine.number))
    expect(page.locator("body")).to_contain_text("11:40")
    expect(page.locator("body")).to_contain_text(expected)
    page.screenshot(path=f"/tmp/ru-tz-{language}.png", full_page=True)


def test_emailed_report_and_zip_links_land_in_their_company_after_sign_in(
    page, live_server, e2e_world, mailoutbox
):
    """Paul is signed out; a colleague of ACME Services e-mails him its open-orders report
    (the same address in every company): signing in from the link lands on ACME Services'
    report with the switch notice. Then his ZIP of ACME France invoices is ready: its link
    switches back to ACME France and shows the job."""
    from urllib.parse import urlsplit

    from orders import services as order_services
    from orders.reports import resolve_report
    from portal import jobs
    from portal.models import Job
    from tests.factories.portal import member
    from tests.orders.factories import OrderFactory

    world = e2e_world
    paul = world.approver
    Authorization.objects.create(
        user=paul,
        company=world.second_company,
        app="orders",
        role=Role.VIEWER,
        status=Authorization.Status.GRANTED,
    )
    OrderFactory(company=world.company, number="4500111")
    OrderFactory(company=world.second_company, number="4500222")
    colleague = member(world.second_company, role=Role.VIEWER, email="lea@services.test")
    order_services.report_email(
        company=world.second_company,
        sender=colleague,
        report=resolve_report(world.second_company, colleague, "open-orders"),
        recipients=[paul.email],
        fmt="csv",
        attach=False,
    )
    link = urlsplit(re.search(r"https?://\S+/orders/reports/\S+", mailoutbox[-1].body).group(0))

    page.goto(f"{live_server.url}{link.path}?{link.query}")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(paul.email)
    form.locator("input[name=password]").fill(world.password)
    form.locator("[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/orders/reports/open-orders/$"))
    expect(page.locator(".messages")).to_contain_text(
        "This link belongs to ACME Services SAS: it is now your active company."
    )
    expect(page.locator("main")).to_contain_text("4500222")
    expect(page.locator("main")).not_to_contain_text("4500111")

    job = Job.objects.create(
        company=world.company, user=paul, kind="invoices.zip", params={"numbers": []}
    )
    jobs.job_run(job.pk)
    link = urlsplit(re.search(r"https?://\S+/files/\d+/", mailoutbox[-1].body).group(0))
    page.goto(f"{live_server.url}{link.path}")
    expect(page.locator(".messages")).to_contain_text(
        "This link belongs to ACME France SA: it is now your active company."
    )
    expect(page.get_by_role("link", name=re.compile("Download", re.I))).to_be_visible()


def test_a_colleague_without_the_application_follows_an_invoice_link(page, live_server, e2e_world):
    """Nina joined ACME France without any application yet; a colleague's invoice link
    sends her to 'Request access', which says why and shows nothing of the invoice."""
    from portal.models import Membership
    from tests.invoices.factories import InvoiceFactory

    world = e2e_world
    invoice = InvoiceFactory(company=world.company)
    Membership.objects.create(user=world.newcomer, company=world.company)
    sign_in(page, live_server, world.newcomer.email)
    page.goto(url_for(live_server, "invoices:detail", number=invoice.number))
    expect(page.get_by_role("heading", level=1)).to_have_text("Request access")
    expect(page.get_by_role("status").first).to_contain_text(
        "The page you opened is part of Invoices On-Line, which you cannot use for "
        "ACME France SA. Ask for access with the form below."
    )
    expect(page.locator("main")).not_to_contain_text(invoice.number)
    expect(page.locator("select#id_app")).to_have_value("invoices")
