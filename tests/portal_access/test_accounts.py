"""The ID (allauth): sign-up with verification, sign-in rules, reset, no enumeration."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.models import Notification, User
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _link(body: str) -> str:
    return re.search(r"http://[^\s\"<]+", body).group(0)


def test_sign_up_sends_a_verification_link_through_the_outbox_then_signs_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "New.Person@Example.com",
                "password1": "A-long-pass-2026",
                "password2": "A-long-pass-2026",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert Notification.objects.get(recipient="new.person@example.com").status == "sent"
    [mail] = mailoutbox
    link = _link(mail.body)
    assert "/accounts/confirm-email/" in link
    # Not usable before verification: signing in leads back to "verify your e-mail".
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new.person@example.com", "password": "A-long-pass-2026"},
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200  # a confirm button, no change on GET
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get(reverse("portal:home")).content.decode()
    assert "Request access" in home


def test_a_french_visitor_gets_a_french_id_and_verification_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "fr"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "marie@example.fr",
                "password1": "Un-long-mot-2026",
                "password2": "Un-long-mot-2026",
            },
        )
    assert User.objects.get(email="marie@example.fr").preferred_language == "fr"
    [mail] = mailoutbox
    assert mail.subject == "Confirmez l'adresse e-mail de votre IBM ID"
    assert "/accounts/confirm-email/" in mail.body


def test_sign_up_with_an_existing_address_answers_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "taken@example.com",
                "password1": "A-long-pass-2026",
                "password2": "A-long-pass-2026",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert [m.to for m in mailoutbox] == [["taken@example.com"]]  # "you already have an ID"


def test_password_reset_does_not_tell_whether_the_address_exists(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.com")
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("account_reset_password"), {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("account_reset_password_done"))
    known, unknown = mailoutbox
    assert "/accounts/password/reset/key/" in known.body
    assert "/accounts/password/reset/key/" not in unknown.body


def test_password_reset_link_sets_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    path = _link(mailoutbox[0].body).split("127.0.0.1:8000", 1)[1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_path, {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-77")


def test_the_eleventh_failed_sign_in_in_a_minute_is_refused(client):
    UserFactory(email="target@example.com")
    for n in range(10):
        response = client.post(
            reverse("account_login"), {"login": f"guess{n}@example.com", "password": "wrong"}
        )
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": "target@example.com", "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_attempts_on_one_address_are_limited(client):
    UserFactory(email="target@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.com", "password": "no"})
    response = client.post(
        reverse("account_login"), {"login": "target@example.com", "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_in_rotates_the_session_key(client):
    UserFactory(email="me@example.com")
    client.get(reverse("portal:help"))
    session = client.session
    session["marker"] = "anonymous"
    session.save()
    before = session.session_key
    response = client.post(
        reverse("account_login"), {"login": "me@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert "_auth_user_id" in client.session


def test_next_to_another_host_is_ignored(client):
    UserFactory(email="me@example.com")
    response = client.post(
        reverse("account_login") + "?next=https://evil.example/steal",
        {"login": "me@example.com", "password": PASSWORD, "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == reverse("portal:home")


def test_next_on_this_site_is_followed(client):
    UserFactory(email="me@example.com")
    response = client.post(
        reverse("account_login"),
        {"login": "me@example.com", "password": PASSWORD, "next": "/profile/"},
    )
    assert response["Location"] == "/profile/"


def test_sign_in_page_names_the_id_and_has_labels(client, settings):
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with your IBM ID" in page
    assert '<label for="id_login"' in page and '<label for="id_password"' in page
    assert page.count("<h1") == 1


def test_pages_of_the_id_render(client):
    for name in ("account_signup", "account_reset_password", "account_email_verification_sent"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response.content.decode().count("<h1") == 1


def test_signed_in_pages_of_the_id_render(client):
    client.force_login(UserFactory())
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert client.get(reverse(name)).status_code == 200, name
    mfa = client.get(reverse("mfa_index")).content.decode()
    assert "Authenticator App" in mfa and "recovery codes" in mfa
    assert reverse("portal:profile") in mfa
    # Enrolling a second factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_sign_out(client):
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_is_rate_limited_per_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.com")
    statuses = []
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_reset_password"), {"email": "known@example.com"}
            )
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5
    assert statuses[5] != 302  # the sixth in a minute is refused
    assert len(mailoutbox) == 5
