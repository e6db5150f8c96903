"""What a signed-in user was shown is never kept by a cache; features the portal never
uses are switched off (issue 14, item 10; ASVS 8.2.1)."""

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_signed_in_pages_pdfs_and_exports_are_not_stored(client, viewer, company):
    invoice = InvoiceFactory(company=company, number="F-CACHE")
    login(client, viewer, company)
    responses = {
        "home": client.get(reverse("portal:home")),
        "list": client.get(reverse("invoices:list")),
        "detail": client.get(reverse("invoices:detail", args=[invoice.number])),
        "pdf": client.get(reverse("invoices:pdf", args=[invoice.number])),
        "csv": client.get(reverse("invoices:export"), {"fmt": "csv"}),
        "xlsx": client.get(reverse("invoices:export"), {"fmt": "xlsx"}),
        "not found": client.get("/invoices/NOPE/"),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 404), name
        assert _no_store(response), (name, response.get("Cache-Control"))


def test_every_page_has_a_permissions_policy(client, viewer, company):
    anonymous = client.get(reverse("account_login"))
    login(client, viewer, company)
    for response in (anonymous, client.get(reverse("portal:home"))):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_static_files_stay_cacheable(client, viewer, company):
    login(client, viewer, company)
    response = client.get("/static/css/access.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
