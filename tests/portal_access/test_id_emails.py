"""The ID e-mails are the portal's own: branded, in the user's language, no blank field."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.core.context import request_context
from django.test import RequestFactory
from django.urls import reverse

from portal.accounts import AccountAdapter
from portal.models import Notification, User
from portal.notify import render
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

MISSING = "@@MISSING@@"
STOCK_TEXT = ["Hello from", "Bonjour, c'est", "Thank you for using", "Merci d'utiliser"]

NOTIFICATIONS = {
    "account/email/password_changed": {},
    "account/email/password_set": {},
    "account/email/password_reset": {},
    "account/email/email_changed": {"from_email": "old@acme.test", "to_email": "new@acme.test"},
    "account/email/email_deleted": {"deleted_email": "old@acme.test"},
    "mfa/email/totp_activated": {},
    "mfa/email/totp_deactivated": {},
    "mfa/email/recovery_codes_generated": {},
}


@pytest.fixture(autouse=True)
def _loud_templates(settings):
    """An unknown or missing variable renders as a marker the tests look for."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}}
    ]
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.PORTAL_BRAND = "Acme Supplier Online"
    settings.PORTAL_ID_NAME = "Acme ID"
    settings.PORTAL_BASE_URL = "https://portal.example.org"


def _request(language):
    request = RequestFactory().post("/", HTTP_HOST="evil.example.net", REMOTE_ADDR="192.0.2.7")
    request.META["HTTP_USER_AGENT"] = "Firefox/130"
    request.LANGUAGE_CODE = language
    return request


def _check(row: Notification, email: str, language: str) -> str:
    message = render(row)
    text = message.subject + "\n" + message.body
    assert MISSING not in text, text
    assert "&#" not in text and "&amp;" not in text, text
    for stock in STOCK_TEXT:
        assert stock not in text, text
    assert "evil.example.net" not in text
    assert "Acme ID" in text or "Acme Supplier Online" in text, text
    assert "Acme Supplier Online" in message.body
    for url in re.findall(r"https?://\S+", text):
        assert (url + "/").startswith("https://portal.example.org/"), url
    assert not re.search(r" [,.!:]|\(\)| {2}", message.subject), message.subject
    greeting = {"en": "Hello", "fr": "Bonjour"}[language]
    assert message.body.startswith(greeting), message.body
    if language == "fr":
        english = re.findall(r"\b(your|the|was|this|with|If)\b", text)
        assert not english, text
    return text


def _last(email):
    return Notification.objects.filter(recipient=email).order_by("-pk").first()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("prefix", sorted(NOTIFICATIONS))
def test_change_notifications(language, prefix):
    user = UserFactory(first_name="Claire", last_name="Martin", preferred_language=language)
    with request_context(_request(language)):
        AccountAdapter().send_notification_mail(prefix, user, NOTIFICATIONS[prefix])
    text = _check(_last(user.email), user.email, language)
    assert "Claire Martin" in text
    assert "192.0.2.7" in text
    assert "Firefox/130" in text
    if prefix == "account/email/email_changed":
        assert "old@acme.test" in text and "new@acme.test" in text


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("signup", [True, False])
def test_verification(language, signup):
    user = UserFactory(first_name="Nina", last_name="Petit", preferred_language=language)
    address = EmailAddress.objects.get(user=user)
    address.verified = False  # a verification goes to an address not verified yet
    address.save(update_fields=["verified"])
    request = _request(language)
    with request_context(request):
        AccountAdapter().send_confirmation_mail(
            request, EmailConfirmationHMAC(address), signup=signup
        )
    text = _check(_last(user.email), user.email, language)
    assert "/accounts/confirm-email/" in text
    assert user.email in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reset_unknown_and_already_exists_by_the_real_forms(client, language, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    known = UserFactory(email="known@acme.test", first_name="Paul", preferred_language=language)
    host = {"HTTP_HOST": "testserver"}
    client.post(reverse("account_reset_password"), {"email": known.email}, **host)
    text = _check(_last(known.email), known.email, language)
    assert "/accounts/password/reset/key/" in text

    client.post(reverse("account_reset_password"), {"email": "nobody@acme.test"}, **host)
    text = _check(_last("nobody@acme.test"), "nobody@acme.test", language)
    assert "https://portal.example.org/accounts/signup/" in text
    assert "nobody@acme.test" in text

    client.post(
        reverse("account_signup"),
        {"email": known.email, "password1": "A-long-pass-2026", "password2": "A-long-pass-2026"},
        **host,
    )
    text = _check(_last(known.email), known.email, language)
    assert known.email in text
    assert "https://portal.example.org/accounts/password/reset/" in text
    assert User.objects.filter(email=known.email).count() == 1
