"""E-mail links: derived from the address `make run` serves, never from the Host header."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from portal.models import Notification

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_port_sets_the_base_url_of_e_mail_links(tmp_path):
    """`make run PORT=8123` starts the server with PORTAL_BASE_URL on port 8123."""
    venv = tmp_path / "venv"
    venv.mkdir()
    seen = tmp_path / "seen"
    fake = venv / "python"
    fake.write_text(
        f'#!/bin/sh\nif [ "$2" = runserver ]; then echo "$PORTAL_BASE_URL $3" > {seen}; fi\n'
    )
    fake.chmod(0o755)
    stamp = venv / ".installed"
    stamp.touch()
    os.utime(stamp, (4102444800, 4102444800))  # newer than pyproject.toml: no install
    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_BASE_URL", "MAKEFLAGS"}}
    args = ["make", "-s", "-C", str(ROOT), "run", f"VENV={venv}", f"PY={fake}", "PORT=8123"]
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=60)
    assert seen.read_text().split() == ["http://127.0.0.1:8123", "127.0.0.1:8123"]

    seen.unlink()
    env["PORTAL_BASE_URL"] = "https://portal.example.com"
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=60)
    assert seen.read_text().split()[0] == "https://portal.example.com"


@pytest.mark.django_db
def test_unknown_account_mail_links_ignore_the_host_header(client, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8123"
    client.post(
        reverse("account_reset_password"), {"email": "nobody@acme.test"}, HTTP_HOST="localhost"
    )
    row = Notification.objects.get(recipient="nobody@acme.test")
    assert "http://127.0.0.1:8123/accounts/signup/" in row.context["text"]
    assert "localhost" not in row.context["text"]
