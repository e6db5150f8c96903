"""The personal calendar (ICS) URL never travels in a cookie (issue 14, part of item 14).

Django's messages cookie is signed, not encrypted: the URL shown once after creating a
link used to sit in it, readable by anything that sees the cookies. It is now shown in
the response to the creation itself, and stored nowhere but in that page.
"""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from contracts.models import CalendarFeed
from contracts.selectors import feed_token_hash
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_new_calendar_link_is_shown_once_and_kept_in_no_cookie(client, viewer, company):
    login(client, viewer, company)
    response = client.post(reverse("contracts:calendar_create"))
    assert response.status_code == 200
    text = response.text
    start = text.index("/contracts/calendar/feed/")
    token = text[start : text.index(".ics", start)].rsplit("/", 1)[1]
    assert CalendarFeed.objects.get(token_hash=feed_token_hash(token)).user == viewer
    assert response.get("Cache-Control") == "private, no-store"

    for morsel in response.cookies.values():
        assert token not in morsel.value, morsel.key
    for morsel in client.cookies.values():
        assert token not in morsel.value, morsel.key
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())

    again = client.get(reverse("contracts:calendar"))
    assert token not in again.text  # shown once
