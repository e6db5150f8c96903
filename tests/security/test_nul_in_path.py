"""A NUL byte in the URL path is a 400, as in the query string (issue 14, item 11).

On PostgreSQL `/invoices/A%00B/` used to reach the database and answer 500.
"""

import pytest
from django.test import Client

from tests.conftest import login

pytestmark = pytest.mark.django_db

PATHS = [
    "/invoices/A%00B/",
    "/invoices/A%00B/pdf/",
    "/orders/A%00B/",
    "/contracts/A%00B/",
    "/requests/A%00B/",
    "/statements/A%00B/",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_the_path_is_a_friendly_400(client, viewer, company, path):
    login(client, viewer, company)
    response = client.get(path)
    assert response.status_code == 400
    assert "Bad request" in response.text


def test_a_nul_in_the_path_is_a_400_before_sign_in_too():
    response = Client().get("/invoices/A%00B/")
    assert response.status_code == 400
    assert Client().post("/accounts/login/%00/", {"login": "x"}).status_code == 400
