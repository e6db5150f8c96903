"""Order search: any case, prefix or part of the order and PO numbers; guest lookup any case."""

import pytest
from django.urls import reverse

from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
LIST = reverse("orders:list")


def numbers(response):
    return [o.number for o in response.context["orders"]]


@pytest.mark.parametrize(
    "term", ["fr4500102", "FR4500102", "4500102", "FR45001", "fr 4500102", "bpo-acme", "acme-77"]
)
def test_search_finds_by_any_case_prefix_or_part(viewer_client, company, other_company, term):
    OrderFactory(company=company, number="FR4500102", customer_po="BPO-ACME-77")
    OrderFactory(company=company, number="DE9900001", customer_po="OTHER")
    OrderFactory(company=other_company, number="FR4500102X", customer_po="BPO-ACME-778")
    assert numbers(viewer_client.get(LIST, {"q": term})) == ["FR4500102"]


@pytest.mark.parametrize("reference", ["fr4500102", " FR 4500102 ", "Fr4500102"])
def test_guest_lookup_ignores_case_and_spaces(client, company, reference, settings):
    from django.core.cache import caches

    caches["limits"].clear()
    OrderFactory(company=company, number="FR4500102", customer_po="BPO-ACME-77", status="shipped")
    response = client.post(
        reverse("orders:guest"),
        {
            "customer_number": company.customer_number,
            "order_number": reference,
            "proof": " bpo-acme-77 ",  # the second fact, in any case too
        },
    )
    body = response.content.decode()
    assert "FR4500102" in body
    assert "Shipped" in body
