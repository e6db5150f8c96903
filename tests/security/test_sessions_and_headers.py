"""Sessions, passwords and response headers (ASVS V3/V14, Django's deployment checklist)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from portal.middleware import REFRESHED_AT_KEY, SIGNED_IN_AT_KEY
from tests.conftest import login

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "x9$k2!vQ7#pL0@zR4&wE8^tY1*uI3(oP5)aS6_dF9+gH2=jK7-lZ",
    "ALLOWED_HOSTS": "portal.example.com",
    "PORTAL_BASE_URL": "https://portal.example.com",
    "PORTAL_TESTING": "0",
}


def _production_setting(expression: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)} | PRODUCTION_ENV
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-1500:]
    return result.stdout.strip()


def test_production_hashes_passwords_with_argon2_first():
    assert _production_setting("settings.PASSWORD_HASHERS[0]").endswith("Argon2PasswordHasher")


def test_production_cookies_are_secure_httponly_lax():
    assert (
        _production_setting(
            "(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE, settings.SECURE_HSTS_SECONDS > 0)"
        )
        == "(True, True, True, 'Lax', True)"
    )


def test_every_page_has_the_security_headers(client, viewer, company):
    login(client, viewer, company)
    for url in ["/", "/accounts/login/", "/does-not-exist/"]:
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_short_or_common_passwords_are_refused(client):
    for password in ["Sh0rt-pass", "password1234"]:
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.com", "password1": password, "password2": password},
        )
        assert response.status_code == 200
        assert "new@example.com" in response.content.decode()  # what the user typed is kept
    assert (
        not __import__("portal.models", fromlist=["User"])
        .User.objects.filter(email="new@example.com")
        .exists()
    )


def test_idle_sessions_end_after_30_minutes(client, viewer, company, settings):
    login(client, viewer, company)
    response = client.get("/")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_activity_pushes_the_idle_expiry_at_most_once_a_minute(client, viewer, company):
    login(client, viewer, company)
    client.get("/")
    assert "sessionid" not in client.get("/").cookies  # within the minute: no write

    session = client.session
    session[REFRESHED_AT_KEY] = int(time.time()) - 61
    session.save()
    stored = Session.objects.get(session_key=session.session_key)
    Session.objects.filter(pk=stored.pk).update(expire_date=timezone.now() + timedelta(minutes=2))
    response = client.get("/")
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    renewed = Session.objects.get(pk=stored.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_sessions_end_12_hours_after_sign_in_whatever_the_activity(client, viewer, company):
    login(client, viewer, company)
    session = client.session
    session[SIGNED_IN_AT_KEY] = int(time.time()) - 12 * 3600 - 60
    session.save()
    response = client.get("/")
    assert SESSION_KEY not in client.session
    assert "Sign in" in response.content.decode()


def test_changing_the_password_ends_the_other_sessions(viewer, company):
    laptop, phone = Client(), Client()
    login(laptop, viewer, company)
    login(phone, viewer, company)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct-horse-battery",
            "password1": "A-much-longer-passphrase-2026",
            "password2": "A-much-longer-passphrase-2026",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/profile/").status_code == 200  # this session stays signed in
    phone_response = phone.get("/profile/")
    assert phone_response.status_code == 302 and "/accounts/login/" in phone_response["Location"]


def test_only_the_admin_allows_inline_styles(client, settings):
    admin = client.get(f"/{settings.ADMIN_PATH}login/")
    assert "style-src 'self' 'unsafe-inline'" in admin.headers["Content-Security-Policy"]
    assert "script-src 'self'" in admin.headers["Content-Security-Policy"]
    home = client.get("/")
    assert "unsafe-inline" not in home.headers["Content-Security-Policy"]


def test_nul_characters_in_parameters_are_a_friendly_400(client, viewer, company):
    login(client, viewer, company)
    response = client.get("/invoices/", {"q": "F-1\x00"})
    assert response.status_code == 400 and "Bad request" in response.content.decode()
    response = client.post("/invoices/zip/", {"numbers": ["F-1\x00"]})
    assert response.status_code == 400
