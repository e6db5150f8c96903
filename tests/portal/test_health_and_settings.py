"""Operations: /healthz, configuration errors at start-up, check --deploy, error pages."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.portal.conftest import closed_port

ROOT = Path(django_settings.BASE_DIR)
PRODUCTION = {
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "portal.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.com",
    "PORTAL_BASE_URL": "https://portal.example.com",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only `env` (plus PATH) set."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PORTAL_VAR_DIR": os.environ.get("PORTAL_VAR_DIR", str(ROOT / "var")),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- /healthz ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_when_everything_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"].startswith("ok")


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_and_broker_when_redis_is_down(client, settings):
    down = f"redis://127.0.0.1:{closed_port()}/6"
    settings.REDIS_URL = down
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error")
    assert body["broker"].startswith("error")


# --- Configuration errors: one line naming the variable, no traceback -------------------


@pytest.mark.parametrize(
    "env,variable",
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://db/portal"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"PORTAL_BASE_URL": "portal.example.com"}, "PORTAL_BASE_URL"),
        ({"UPLOAD_MAX_BYTES": "10MB"}, "UPLOAD_MAX_BYTES"),
        ({"EMAIL_URL": "mail.example.com"}, "EMAIL_URL"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"REQUESTS_REPLY_TO": "replies at example.com"}, "REQUESTS_REPLY_TO"),
        ({"REQUESTS_QUEUE_EMAIL": "queue"}, "REQUESTS_QUEUE_EMAIL"),
        ({"INBOUND_IMAP_URL": "mail.example.com/INBOX"}, "INBOUND_IMAP_URL"),
        ({"S3_BUCKET": "files", "S3_ENDPOINT_URL": "s3.example.com"}, "S3_ENDPOINT_URL"),
        ({"INVOICE_ZIP_DIRECT_MAX": "five"}, "INVOICE_ZIP_DIRECT_MAX"),
        ({"INVOICE_SELLERS": "IBM France"}, "INVOICE_SELLERS"),
        ({"CONTRACT_SIGNING_P12": "/no/such/seal.p12"}, "CONTRACT_SIGNING_P12"),
        ({"INVOICE_SELLERS": '{"FR": "IBM France"}'}, "INVOICE_SELLERS"),
    ],
)
def test_a_malformed_variable_stops_start_up_with_one_line_naming_it(env, variable):
    result = manage("check", **{"DEBUG": "1", **env})

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}: ")


def test_invoice_settings_come_from_the_environment():
    code = (
        "from invoices.rendering import supplier; from invoices.zip_jobs import zip_direct_max; "
        "print(supplier(country_code='FR')['name'], zip_direct_max())"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DEBUG="1",
        INVOICE_SELLERS='{"FR": {"name": "Acme Services SAS"}}',
        INVOICE_ZIP_DIRECT_MAX="12",
    )

    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line == "Acme Services SAS 12"


def test_production_without_secret_key_is_a_clear_error():
    result = manage("check", **PRODUCTION)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY: this environment variable is required in "
        "production (DEBUG off, DATABASE_URL set); use 50 or more random characters."
    )


def test_the_wsgi_entry_point_refuses_to_start_without_secret_key():
    clean = {"PATH": os.environ.get("PATH", ""), **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.strip().startswith("Configuration error: SECRET_KEY:")


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(64), **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_the_embedded_default_needs_no_environment():
    result = manage("check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# --- Friendly error pages --------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_url_gives_the_friendly_404_page_in_english(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert '<html lang="en"' in response.text
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


@pytest.mark.django_db
def test_unknown_url_gives_the_friendly_404_page_in_french(client):
    response = client.get("/pas-de-page/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert response.status_code == 404
    assert '<html lang="fr"' in response.text
    assert "Page introuvable" in response.text
    assert "Page not found" not in response.text


@pytest.mark.django_db
def test_server_error_gives_the_friendly_500_page(rf):
    from portal.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
