"""Security events are logged with who, which company, where from; never secrets."""

import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.files import validate_upload
from tests.conftest import login
from tests.factories.portal import SiteFactory
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _events(caplog):
    return [r for r in caplog.records if r.name == "portal.security"]


def _formatted(caplog) -> str:
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records)


def test_sign_in_failure_and_success_are_logged_without_the_password(client, viewer, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    client.post(reverse("account_login"), {"login": viewer.email, "password": "wrong-password-123"})
    client.post(
        reverse("account_login"), {"login": viewer.email, "password": "correct-horse-battery"}
    )
    events = {r.event: r for r in _events(caplog)}
    assert events["sign_in_failed"].login_domain == "acme.test"
    assert events["sign_in"].user_id == viewer.pk and events["sign_in"].client_ip == "127.0.0.1"
    text = _formatted(caplog)
    assert "wrong-password-123" not in text and "correct-horse-battery" not in text
    assert client.session.session_key not in text


def test_refusals_and_foreign_objects_are_logged(
    client, company, other_company, viewer, no_rights, caplog
):
    caplog.set_level(logging.INFO, logger="portal.security")
    make_online(company)
    foreign_item = ItemFactory(site=SiteFactory(company=other_company))
    login(client, viewer, company)
    assert client.get(foreign_item.get_absolute_url()).status_code == 404
    login(client, no_rights, company)
    client.get(reverse("inventory:home"))
    events = [(r.event, getattr(r, "decision", None), r.company_id) for r in _events(caplog)]
    assert ("not_found", None, company.pk) in events
    assert ("access_refused", "request-access", company.pk) in events


def test_upload_refusal_is_logged(caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    with pytest.raises(ValidationError):
        validate_upload(
            SimpleUploadedFile("invoice.pdf", b"<html><script>alert(1)</script></html>")
        )
    (event,) = [r for r in _events(caplog) if r.event == "upload_refused"]
    assert event.code == "bad_type"


def test_log_lines_are_json_with_a_request_id(client, caplog, viewer, company):
    from portal.observability import RequestIdFilter

    caplog.set_level(logging.INFO, logger="portal.security")
    caplog.handler.addFilter(RequestIdFilter())
    login(client, viewer, company)
    response = client.get("/no-such-page/")
    record = [r for r in _events(caplog) if r.event == "not_found"][0]
    assert record.request_id == response["X-Request-ID"]
    lines = [json.loads(line) for line in _formatted(caplog).splitlines()]
    assert any(
        line["name"] == "portal.security" and line["message"] == "not_found" for line in lines
    )
