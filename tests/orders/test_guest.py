import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Carrier, OrderStatus
from portal.configuration import redis_caches
from tests.factories.portal import SiteFactory
from tests.orders.factories import OrderFactory, OrderLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db
GUEST = reverse("orders:guest")


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    from django.core.cache import caches

    caches["limits"].clear()
    settings.GUEST_LOOKUP_LIMIT_PER_IP = 10
    settings.GUEST_LOOKUP_LIMIT_PER_CUSTOMER = 10
    yield
    caches["limits"].clear()


@pytest.fixture
def order(company):
    site = SiteFactory(
        company=company,
        name="Secret Warehouse",
        address="13 Hidden Road\nParis",
        postal_code="75013",
    )
    order = OrderFactory(
        company=company,
        number="G-100",
        customer_po="PO-GUEST",
        status=OrderStatus.SHIPPED,
        ship_to=site,
        total="98765.43",
    )
    OrderLineFactory(order=order, part_number="PN-HIDDEN", description="Confidential server")
    ShipmentFactory(order=order, tracking_number="1ZGUEST")
    return order


def lookup(client, customer, number, proof="PO-GUEST", **extra):
    data = {"customer_number": customer, "order_number": number, "proof": proof}
    return client.post(GUEST, data, **extra)


def test_guest_form_is_public(client):
    response = client.get(GUEST)
    assert response.status_code == 200
    assert "Customer number" in response.content.decode()


@pytest.mark.parametrize("proof", ["PO-GUEST", "75013"])
def test_guest_sees_basic_status_only(client, company, order, proof):
    response = lookup(client, company.customer_number, "G-100", proof)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Shipped" in body
    assert 'href="https://carrier.example/track?n=1ZGUEST"' in body
    for secret in [
        "98765",
        "98,765",
        "Secret Warehouse",
        "Hidden Road",
        "PN-HIDDEN",
        "Confidential server",
        company.name,
        "EUR",
    ]:
        assert secret not in body, secret
    assert response["Cache-Control"] == "private, no-store"


def _result(body: str) -> str:
    start = body.index('id="guest-results"')
    return body[start : body.index("</section>", start)]


def test_wrong_customer_number_and_unknown_order_answer_the_same(
    client, company, other_company, order
):
    wrong_customer = lookup(client, other_company.customer_number, "G-100")
    unknown_order = lookup(client, company.customer_number, "G-999")
    wrong_proof = lookup(client, company.customer_number, "G-100", "PO-OTHER")
    nonsense = lookup(client, "000", "G-999")
    answers = [wrong_customer, unknown_order, wrong_proof, nonsense]
    assert {r.status_code for r in answers} == {200}
    assert len({_result(r.content.decode()) for r in answers}) == 1
    assert "We found no order" in _result(unknown_order.content.decode())


def test_same_queries_for_wrong_customer_and_unknown_order(client, company, other_company, order):
    from orders.guest import guest_lookup

    def queries(customer, number, proof="PO-GUEST"):
        with CaptureQueriesContext(connection) as ctx:
            guest_lookup(customer_number=customer, order_number=number, proof=proof)
        return [q["sql"].replace("G-100", "?").replace("G-999", "?") for q in ctx.captured_queries]

    wrong = queries(other_company.customer_number, "G-100")
    unknown = queries(company.customer_number, "G-999")
    wrong_proof = queries(company.customer_number, "G-100", "PO-OTHER")
    assert len(wrong) == len(unknown) == len(wrong_proof) == 2
    assert wrong == unknown == wrong_proof


def test_eleventh_try_in_a_minute_is_429_with_retry_after(client, company, order):
    for i in range(10):
        assert lookup(client, company.customer_number, f"X-{i}").status_code == 200
    response = lookup(client, company.customer_number, "G-100")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many attempts" in response.content.decode()
    assert "Shipped" not in response.content.decode()


def test_limit_per_customer_number_and_address(client, company, order, settings):
    settings.GUEST_LOOKUP_LIMIT_PER_CUSTOMER = 3
    for _ in range(3):
        lookup(client, company.customer_number, "G-999", REMOTE_ADDR="10.0.0.1")
    assert (
        lookup(client, company.customer_number, "G-100", REMOTE_ADDR="10.0.0.1").status_code == 429
    )
    # the same address may still look up another customer's order (per-address limit: 10)
    assert lookup(client, "1234567", "G-100", REMOTE_ADDR="10.0.0.1").status_code == 200


def test_limits_are_settings(client, company, order, settings):
    settings.GUEST_LOOKUP_LIMIT_PER_IP = 2
    lookup(client, company.customer_number, "G-100")
    lookup(client, "1", "G-100")
    assert lookup(client, "2", "G-100").status_code == 429


def test_cache_down_answers_a_friendly_503(client, company, order):
    down = redis_caches("redis://127.0.0.1:1/0", timeout=0.2)
    with override_settings(CACHES=down):
        response = lookup(client, company.customer_number, "G-100")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "temporarily unavailable" in response.content.decode()


def test_invalid_form_is_not_counted_and_shows_errors(client):
    response = client.post(GUEST, {"customer_number": "", "order_number": "x" * 200})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_carrier_link_is_url_encoded_and_template_validated():
    carrier = Carrier(name="C", tracking_url_template="https://carrier.example/track?n={tracking}")
    assert (
        carrier.tracking_url('a b&c"<x>') == "https://carrier.example/track?n=a%20b%26c%22%3Cx%3E"
    )
    bad = Carrier(name="Bad", tracking_url_template="javascript:alert({tracking})")
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_ship_to_site_must_belong_to_the_company(company, other_company):
    order = OrderFactory.build(
        company=company, country=company.country, ship_to=SiteFactory(company=other_company)
    )
    with pytest.raises(ValidationError):
        order.full_clean()
