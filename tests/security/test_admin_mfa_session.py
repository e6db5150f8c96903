"""The admin asks that THIS session completed the second factor (issue 14, item 4).

A password-only staff session opened before enrolment used to reach /agents/ once TOTP
was enrolled elsewhere. Now the gate reads allauth's authentication records of the
session, and enrolling a second factor ends the user's other sessions.
"""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse

from portal.agents import make_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


@pytest.fixture
def staff():
    user = UserFactory(email="agent@cs.test")
    make_agent([user])
    return user


def _password_session(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    return client


def test_a_password_only_session_gets_no_admin_once_totp_is_enrolled(staff):
    old = _password_session(staff)  # opened before the second factor existed
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)  # enrolled elsewhere

    response = old.get(reverse("admin:portal_company_changelist"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    assert old.get(reverse("admin:index")).status_code == 302

    # typing the code in this session opens the admin
    old.post(reverse("mfa_reauthenticate"), {"code": _code(secret)})
    assert old.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth sends the signal on commit, in the request
def test_enrolling_totp_ends_the_other_sessions_and_keeps_this_one(staff):
    other = _password_session(staff)
    other.get(reverse("portal:home"))
    assert int(other.session["_auth_user_id"]) == staff.pk
    enrolling = _password_session(staff)

    enrolling.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    enrolling.get(reverse("mfa_activate_totp"))
    secret = enrolling.session["mfa.totp.secret"]
    response = enrolling.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302

    # the other session is signed out ...
    other.get(reverse("portal:home"))
    assert "_auth_user_id" not in other.session
    assert other.get(reverse("admin:index")).status_code == 302
    # ... the enrolling one carries on, and has just used the code: the admin opens
    enrolling.get(reverse("portal:home"))
    assert int(enrolling.session["_auth_user_id"]) == staff.pk
    assert enrolling.get(reverse("admin:index")).status_code == 200


def test_signing_in_with_password_and_code_opens_the_admin(staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth sends the signal on commit, in the request
def test_the_recovery_codes_shown_after_enrolment_ask_no_password_again(staff):
    """Sign-in, compulsory TOTP set-up, then allauth shows the recovery codes: that page
    asked for the password typed seconds before (the enrolment's record came last)."""
    client = _password_session(staff)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(
        f"{reverse('mfa_activate_totp')}?next={reverse('admin:index')}",
        {"code": _code(secret)},
        follow=True,
    )
    urls = [url for url, _status in response.redirect_chain]
    assert not any(reverse("account_reauthenticate") in url for url in urls), urls
    assert response.status_code == 200
    assert any(reverse("mfa_view_recovery_codes") in url for url in urls), urls
    assert client.get(reverse("admin:index")).status_code == 200
