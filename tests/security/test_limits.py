"""Limits that hold behind the TLS proxy and cannot be turned against someone else.

Issue 14 items 2 (client address behind the proxy), 5 (lock-out as denial of
service) and 13 (guest lookup). Every client here reaches the application the way
production does: through the proxy at 10.0.0.2, which appends the address it saw
to X-Forwarded-For.
"""

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from orders.models import OrderStatus
from portal.client_address import client_ip
from tests.factories.portal import SiteFactory, member
from tests.limit_windows import one_limit_window
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
GUEST = reverse("orders:guest")
SIGN_IN = reverse("account_login")


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    caches["limits"].clear()
    caches["default"].clear()
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.GUEST_LOOKUP_LIMIT_PER_IP = 10
    settings.GUEST_LOOKUP_LIMIT_PER_CUSTOMER = 5
    yield
    caches["limits"].clear()
    caches["default"].clear()


def via_proxy(address: str, written_by_client: str = "") -> dict:
    """What the proxy forwards: the client's own X-Forwarded-For, then the address it saw."""
    forwarded = f"{written_by_client}, {address}" if written_by_client else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def sign_in(client, email, password, **extra):
    return client.post(SIGN_IN, {"login": email, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def order(company):
    site = SiteFactory(company=company, postal_code="75013")
    return OrderFactory(
        company=company,
        number="G-100",
        customer_po="PO-2026-17",
        status=OrderStatus.SHIPPED,
        ship_to=site,
    )


def guest(client, customer, number="G-100", proof="PO-2026-17", **extra):
    # "reference" is the field of the lookup before the second fact was required
    data = {"customer_number": customer, "order_number": number, "reference": number}
    data["proof"] = proof
    return client.post(GUEST, data, **extra)


# --- item 2: one client address, derived behind the trusted proxy ---------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),  # the client behind the proxy
        (PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # what the client wrote is ignored
        (PROXY, "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies of ours
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # forged, from outside the proxy
        (PROXY, "not-an-address", PROXY),
        (PROXY, "", PROXY),
        ("::ffff:203.0.113.5", "", "203.0.113.5"),
    ],
)
def test_client_address(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_trusted_proxies_x_forwarded_for_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == PROXY


@pytest.fixture(autouse=True)
def _one_window():
    """Every limit here counts per minute: each test runs inside one minute's window."""
    one_limit_window(60, needed=20)


def test_guests_behind_the_proxy_are_limited_separately(client, company, order):
    for i in range(10):
        guest(client, f"{i:07d}", **via_proxy("198.51.100.7"))
    assert guest(client, company.customer_number, **via_proxy("198.51.100.7")).status_code == 429
    # another guest behind the same proxy is not refused
    response = guest(client, company.customer_number, **via_proxy("198.51.100.8"))
    assert response.status_code == 200
    assert "Shipped" in response.content.decode()


def test_forged_x_forwarded_for_does_not_escape_the_limit(client, company, order):
    # through the proxy, inventing a new address each time
    for i in range(10):
        guest(client, "9999999", **via_proxy("198.51.100.7", written_by_client=f"192.0.2.{i}"))
    blocked = guest(client, "9999999", **via_proxy("198.51.100.7", written_by_client="192.0.2.99"))
    assert blocked.status_code == 429
    # straight to the application, around the proxy
    for i in range(10):
        guest(client, "9999999", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    direct = guest(client, "9999999", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert direct.status_code == 429


def test_failed_sign_ins_of_one_client_do_not_refuse_another_behind_the_proxy(client, viewer):
    for i in range(11):
        sign_in(client, f"made-up-{i}@example.com", "wrong-password", **via_proxy("198.51.100.7"))
    response = sign_in(client, viewer.email, "correct-horse-battery", **via_proxy("198.51.100.8"))
    assert response.status_code == 302
    assert signed_in(client)


def test_the_security_log_names_the_client_behind_the_proxy(client, viewer, caplog):
    with caplog.at_level("INFO", logger="portal.security"):
        sign_in(client, viewer.email, "correct-horse-battery", **via_proxy("198.51.100.8"))
    addresses = {
        getattr(r, "client_ip", None) for r in caplog.records if r.name == "portal.security"
    }
    assert addresses == {"198.51.100.8"}


# --- item 5: no lock-out of an account by someone else --------------------------------


def test_wrong_passwords_from_elsewhere_do_not_lock_out_the_owner(client, viewer):
    for _ in range(8):
        response = sign_in(client, viewer.email, "guessing", **via_proxy("198.51.100.66"))
    assert "Too many failed login attempts" in response.content.decode()
    # the owner, on a client that has not failed, signs in at once
    response = sign_in(client, viewer.email, "correct-horse-battery", **via_proxy("198.51.100.8"))
    assert response.status_code == 302
    assert signed_in(client)


def test_the_guessing_client_is_refused_even_with_the_right_password(client, viewer):
    for _ in range(5):
        sign_in(client, viewer.email, "guessing", **via_proxy("198.51.100.66"))
    response = sign_in(client, viewer.email, "correct-horse-battery", **via_proxy("198.51.100.66"))
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_a_client_failing_across_many_accounts_is_slowed(client, company, viewer):
    for i in range(10):
        sign_in(client, f"user-{i}@acme.test", "guessing", **via_proxy("198.51.100.66"))
    response = sign_in(client, viewer.email, "correct-horse-battery", **via_proxy("198.51.100.66"))
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_right_passwords_do_not_use_up_the_allowance(client, company):
    user = member(company, email="often@acme.test")
    for _ in range(12):
        response = sign_in(client, user.email, "correct-horse-battery", **via_proxy("198.51.100.9"))
        assert response.status_code == 302
        client.logout()


# --- item 13: guest lookup ------------------------------------------------------------


def test_the_order_number_alone_shows_nothing(client, company, order):
    for proof in ["", "PO-WRONG", "75000"]:
        response = guest(client, company.customer_number, proof=proof, REMOTE_ADDR="198.51.100.1")
        assert "Shipped" not in response.content.decode(), proof


@pytest.mark.parametrize(
    ("number", "proof"),
    [(" g-100 ", "po-2026-17"), ("G - 100", " PO-2026 -17"), ("g-100", "75 013")],
)
def test_references_compare_without_case_or_spaces(client, company, order, number, proof):
    response = guest(client, f" {company.customer_number} ", number, proof)
    assert response.status_code == 200
    assert "Shipped" in response.content.decode()


def test_an_attacker_cannot_use_up_a_customers_lookups(client, company, order):
    for i in range(30):
        address = f"203.0.113.{i}"  # many addresses, all guessing this customer's orders
        guest(client, company.customer_number, f"G-{i}", "guess", REMOTE_ADDR=address)
    response = guest(client, company.customer_number, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 200
    assert "Shipped" in response.content.decode()
