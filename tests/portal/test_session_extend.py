"""'Stay signed in' of the idle warning moves the session's idle expiry forward."""

import re
import time

import pytest
from django.urls import reverse

from portal.middleware import REFRESHED_AT_KEY

pytestmark = pytest.mark.django_db


def test_stay_signed_in_pushes_the_idle_expiry(viewer_client):
    session = viewer_client.session
    session[REFRESHED_AT_KEY] = int(time.time()) - 28 * 60  # 28 idle minutes
    session.save()
    html = viewer_client.get(reverse("portal:profile")).content.decode()
    left = int(re.search(r'data-idle-seconds="(\d+)"', html).group(1))
    assert 30 * 60 - 60 <= left <= 30 * 60  # a page is activity: its clock starts afresh
    session = viewer_client.session
    session[REFRESHED_AT_KEY] = int(time.time()) - 28 * 60  # then 28 minutes without a request
    session.save()
    response = viewer_client.post(reverse("portal:session_extend"))
    assert response.status_code == 204
    assert int(viewer_client.session[REFRESHED_AT_KEY]) >= int(time.time()) - 2


def test_anonymous_cannot_extend_anything(client):
    response = client.post(reverse("portal:session_extend"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_signed_out_pages_have_no_warning(client):
    assert "session-warning" not in client.get(reverse("portal:home")).content.decode()


def test_the_bells_poll_is_not_activity(viewer_client):
    """The bell refreshes itself every minute: were that activity, an open tab would keep
    the session alive for ever and the idle warning would never come."""
    idle_since = int(time.time()) - 28 * 60
    session = viewer_client.session
    session[REFRESHED_AT_KEY] = idle_since
    session.save()
    response = viewer_client.get(reverse("portal:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert viewer_client.session[REFRESHED_AT_KEY] == idle_since
    viewer_client.get(reverse("portal:profile"))  # a page the person opened is
    assert viewer_client.session[REFRESHED_AT_KEY] > idle_since
