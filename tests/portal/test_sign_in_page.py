"""The sign-in page offers the password reset once, as a link of a usable size."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, text", [("en", "Forgot your password?"), ("fr", "Mot de passe oublié ?")]
)
def test_forgot_your_password_appears_once(client, language, text):
    client.cookies["django_language"] = language
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html.count(reverse("account_reset_password")) == 1
    assert html.count(text) == 1
