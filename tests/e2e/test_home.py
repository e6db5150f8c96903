"""Platform journeys: the home page in both languages, the language switch, the 404 page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, url_for

pytestmark = pytest.mark.e2e


def test_anonymous_home_page_in_english(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer Service Online")
    expect(
        page.get_by_role("link", name=re.compile("Sign in with your IBM ID")).first
    ).to_be_visible()


def test_signed_in_home(page, live_server, e2e_world):
    sign_in(page, live_server, e2e_world.viewer.email)
    expect(page.locator(".tile")).to_have_count(6)
    page.goto(url_for(live_server, "portal:home") + "nope/")
