"""Every page and e-mail in French: no English text of the project's own catalogue left.

The "known English-only strings" are the project's msgids whose French differs (phrases
of two words or more, 12+ characters, placeholders cut out). Every GET route of the
authorization matrix is rendered for a French-speaking administrator and approver, every
POST route is sent (they queue e-mails), then every e-mail of the outbox is rendered in
French; none of them may contain one of those English phrases.
"""

import html
import re
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

import tests.factories.portal as portal_factories
from portal.models import Notification, Role
from portal.notify import render
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.security.test_matrix import ROUTES

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{[^}]*\}")
TAG = re.compile(r"<[^>]+>")


def _english_phrases() -> dict[str, str]:
    """English phrase -> msgid, from every French catalogue of the project."""
    root = Path(settings.BASE_DIR)
    phrases = {}
    for path in root.glob("*/locale/fr/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
                continue
            for chunk in PLACEHOLDER.split(entry.msgid):
                chunk = " ".join(chunk.split()).strip(" .,:;")
                if len(chunk) >= 12 and " " in chunk and chunk not in entry.msgstr:
                    phrases[chunk] = entry.msgid
    for path in root.glob("locale/fr/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and entry.msgstr != entry.msgid:
                for chunk in PLACEHOLDER.split(entry.msgid):
                    chunk = " ".join(chunk.split()).strip(" .,:;")
                    if len(chunk) >= 12 and " " in chunk and chunk not in entry.msgstr:
                        phrases[chunk] = entry.msgid
    return phrases


PHRASES = _english_phrases()


def _english_left(text: str) -> list[str]:
    visible = " ".join(html.unescape(TAG.sub(" ", text)).split())
    # Test data is named like "Billing account 3" (factory sequences): not interface text.
    return sorted(
        p for p in PHRASES if p in visible and re.search(re.escape(p) + r"(?! ?\d)", visible)
    )


@pytest.fixture
def french_world(client):
    country = CountryFactory(features=["services_assistant"])
    company = CompanyFactory(country=country, services_assistant=True)
    user = member(
        company, role=Role.APPROVER, admin=True, preferred_language="fr", first_name="Marie"
    )
    login(client, user, company)
    return company, user


def test_the_catalogue_gives_phrases_to_look_for():
    assert len(PHRASES) > 200
    assert "Up to %(max)s files: PDF, images, office documents, text or zip." in PHRASES.values()


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.method == "GET"], ids=lambda r: f"{r.method} {r.name}"
)
def test_every_page_in_french(client, french_world, route):
    company, user = french_world
    if route.setup:
        route.setup(company)
    kwargs = route.kwargs(company, user) if route.kwargs else {}
    response = client.get(reverse(route.name, kwargs=kwargs))
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or not content_type.startswith("text/html"):
        return  # downloads, redirects: their documents are tested by their app
    assert _english_left(response.content.decode()) == []


class FrenchUserFactory(portal_factories.UserFactory):
    preferred_language = "fr"


@pytest.fixture
def everybody_french(monkeypatch):
    """Colleagues the routes create read French too (their e-mails are then in French)."""
    for name, module in list(sys.modules.items()):
        if name == "tests.factories.portal" or name.startswith("tests.security.routes_"):
            if hasattr(module, "UserFactory"):
                monkeypatch.setattr(module, "UserFactory", FrenchUserFactory)


def test_every_email_in_french(
    client, french_world, everybody_french, django_capture_on_commit_callbacks
):
    company, user = french_world
    for route in ROUTES:
        if route.method != "POST":
            continue
        if route.setup:
            route.setup(company)
        kwargs = route.kwargs(company, user) if route.kwargs else {}
        data = route.data(company, user) if route.data else {}
        with django_capture_on_commit_callbacks(execute=False):
            client.post(reverse(route.name, kwargs=kwargs), data)
    # E-mails to French readers (the context is written in the reader's language).
    rows = list(Notification.objects.filter(language="fr"))
    assert len({row.template for row in rows}) >= 5, [row.template for row in rows]
    problems = {}
    for row in rows:
        message = render(row)
        text = message.subject + "\n" + message.body + "\n" + message.alternatives[0][0]
        left = _english_left(text)
        if left:
            problems[row.template] = left
    assert problems == {}
