"""Two agents work the same request side by side in the admin, each in a browser.

The second to save a stale page is refused with the current values; the second to
answer gets the colleague's answer instead of sending a second one to the customer.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from portal.agents import make_agent
from requests_inbox.models import Message, Request, Status
from requests_inbox.services import request_submit
from tests.conftest import login_agent
from tests.e2e.browsing import url_for
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.e2e

SHOTS = "var/screenshots"


def agent_page(new_context, live_server, email, first, locale="en-GB"):
    """A signed-in agent's browser (signed in server-side: the TOTP sign-in has its tests)."""
    user = UserFactory(email=email, first_name=first, last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    login_agent(client, user)
    context = new_context(locale=locale)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return user, context.new_page()


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_two_agents_one_request(new_context, live_server, company, viewer, mailoutbox, locale):
    request = request_submit(
        company=company,
        user=viewer,
        category="other",
        subject="Toner for the 3rd floor",
        message="We need two cartridges.",
    )
    alice, alice_page = agent_page(new_context, live_server, "alice@cs.test", "Alice", locale)
    bob, bob_page = agent_page(new_context, live_server, "bob@cs.test", "Bob", locale)
    change = url_for(live_server, "admin:requests_inbox_request_change", request.pk)
    alice_page.goto(change)
    bob_page.goto(change)
    expect(bob_page.locator(".messagelist")).to_contain_text("Alice Agent")

    # Alice takes it; Bob, on his stale page, tries to close it.
    alice_page.locator("select[name=assignee]").select_option(str(alice.pk))
    alice_page.locator("input[name=_continue]").click()
    expect(alice_page.locator(".messagelist .success")).to_be_visible()
    bob_page.locator("select[name=status]").select_option(Status.CLOSED)
    bob_page.locator("input[name=_continue]").click()
    error = bob_page.locator(".errornote, .errorlist.nonfield").last
    expect(error).to_contain_text("Alice Agent")
    bob_page.screenshot(path=f"{SHOTS}/desk-stale-save-{locale}.png", full_page=True)
    request.refresh_from_db()
    assert (request.status, request.assignee) == (Status.IN_PROGRESS, alice)

    # Both answer; only Alice's reaches the customer.
    bob_page.goto(change)
    alice_page.goto(change)
    alice_page.locator("textarea[name=body]").fill("They leave tomorrow.")
    bob_page.locator("textarea[name=body]").fill("Shipping them today.")
    alice_page.locator("form.request-reply input.default").click()
    expect(alice_page.locator(".messagelist .success")).to_be_visible()
    bob_page.locator("form.request-reply input.default").click()
    expect(bob_page.locator("form.request-reply .errorlist")).to_contain_text("Alice Agent")
    expect(bob_page.locator("textarea[name=body]")).to_have_value("Shipping them today.")
    expect(bob_page.locator(".request-conversation")).to_contain_text("They leave tomorrow.")
    bob_page.screenshot(path=f"{SHOTS}/desk-second-answer-{locale}.png", full_page=True)

    answers = Message.objects.filter(request=request, is_agent=True, internal=False)
    assert list(answers.values_list("body", flat=True)) == ["They leave tomorrow."]
    assert [m.to for m in mailoutbox if m.to == [viewer.email]].count([viewer.email]) == 2
    assert Request.objects.get(pk=request.pk).status == Status.ANSWERED


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_the_queue_and_the_dashboard(new_context, live_server, company, viewer, locale):
    from requests_inbox.services import request_customer_reply, request_reply

    first = request_submit(
        company=company, user=viewer, category="other", subject="Printer", message="Jams."
    )
    request_submit(company=company, user=viewer, category="other", subject="Toner", message="?")
    alice, page = agent_page(new_context, live_server, "alice@cs.test", "Alice", locale)
    alice.preferred_language = locale[:2]
    alice.save()
    request_reply(request=first, agent=alice, body="Which model?")
    request_customer_reply(request=first, user=viewer, body="The C400")

    page.goto(url_for(live_server, "admin:requests_inbox_request_changelist"))
    unread = "unread" if locale == "en-GB" else "non lu"
    expect(page.locator(".request-unread-badge")).to_have_text([unread, unread])  # never opened
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.screenshot(path=f"{SHOTS}/desk-queue-{locale}.png", full_page=True)

    page.get_by_role("link", name="Dashboard" if locale == "en-GB" else "Tableau de bord").click()
    expect(page.locator("#total-received")).to_have_text("2")
    page.screenshot(path=f"{SHOTS}/desk-dashboard-{locale}.png", full_page=True)


def test_apply_the_change_button_applies_it(new_context, live_server, company, viewer):
    """The button sat in a form nested in the admin's form and did nothing."""
    from inventory.models import ChangeKind, ChangeStatus
    from inventory.services import change_request_submit
    from tests.factories.portal import SiteFactory
    from tests.inventory.factories import ItemFactory

    paris = SiteFactory(company=company, name="Paris")
    lyon = SiteFactory(company=company, name="Lyon")
    item = ItemFactory(site=paris)
    change = change_request_submit(
        company=company, user=viewer, kind=ChangeKind.MOVE, item=item, values={"site": lyon.pk}
    )
    _alice, page = agent_page(new_context, live_server, "alice@cs.test", "Alice")
    page.goto(url_for(live_server, "admin:inventory_changerequest_change", change.pk))
    page.get_by_role("button", name="Apply the change").click()
    expect(page.locator(".messagelist")).to_contain_text("applied")
    change.refresh_from_db()
    item.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED and item.site == lyon


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_a_canned_answer_keeps_the_queues_filters(new_context, live_server, company, locale):
    """Queue filtered -> request -> Insert a canned answer -> Send: back on the same filtered
    queue (inserting the answer reloaded the page without the filters)."""
    from requests_inbox.models import CannedAnswer
    from tests.factories.portal import member

    customer = member(company, email="claire@acme.test", first_name="Claire", last_name="Martin")
    customer.preferred_language = locale[:2]
    customer.save()
    request = request_submit(
        company=company, user=customer, category="other", subject="Toner", message="Two, please."
    )
    CannedAnswer.objects.create(
        title="On its way", language=locale[:2], body="Hello {customer_name}, it ships today."
    )
    _alice, page = agent_page(new_context, live_server, "alice@cs.test", "Alice", locale)
    queue = url_for(live_server, "admin:requests_inbox_request_changelist")
    page.goto(f"{queue}?view=unassigned&q=Toner")
    page.locator("#result_list").get_by_role("link", name=request.number).click()
    page.locator("form.request-macros input[type=submit]").click()
    expect(page.locator("textarea[name=body]")).to_have_value(
        "Hello Claire Martin, it ships today."
    )
    page.locator("form.request-reply input.default").click()
    expect(page.locator(".messagelist .success")).to_contain_text(request.number)
    assert page.url == f"{queue}?view=unassigned&q=Toner"
    page.screenshot(path=f"{SHOTS}/desk-macro-back-to-queue-{locale}.png", full_page=True)
