"""What a browser test does often: build a URL, sign in, search a list, switch language.

Import them in a journey: `from tests.e2e.browsing import sign_in, url_for`.
"""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-battery"  # every UserFactory user's password


def url_for(live_server, name: str, *args, query: str = "", **kwargs) -> str:
    """Absolute URL on the live server for a URL name: url_for(live_server, "invoices:list")."""
    path = reverse(name, args=args or None, kwargs=kwargs or None)
    return f"{live_server.url}{path}{'?' + query if query else ''}"


def sign_in(page: Page, live_server, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in form, as a person would; ends on the page after it."""
    page.goto(url_for(live_server, "account_login"))
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("body")).not_to_contain_text("The email address and/or password")


def search(page: Page, button: str = "Search") -> None:
    """Submit a list's filter form and wait until htmx has swapped the results in.
    Leaving a field fires `change` and the click `submit`; the form replaces the first
    request by the second (hx-sync), and the page is read once none is in flight."""
    page.get_by_role("button", name=button).click()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def switch_language(page: Page, language: str) -> None:
    """Click the header's language switch (shown as 'Français' / 'English')."""
    label = {"fr": "Français", "en": "English"}[language]
    page.get_by_role("button", name=label).click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))
