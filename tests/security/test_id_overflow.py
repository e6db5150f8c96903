"""Out-of-range integers in every id parameter of the matrix: a 400 or 404, never a 500.

Every route of the authorization matrix is requested by an administrator and approver
of the company with (1) each integer path parameter replaced by values no database
integer holds, (2) its POST fields that carry ids replaced the same way, and (3) the
id-like query parameters the portal reads (`company`, `site`, ...) set to them.
"""

import pytest
from django.urls import get_resolver, reverse

from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.security.test_matrix import ROUTES, _ids

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999", "9223372036854775808", "-1", "0"]
QUERY_IDS = ["company", "site", "pk", "id", "contract", "billing_account", "schedule", "page"]


def _int_params(name: str) -> set[str]:
    """Names of the `<int:...>` parameters of a URL name (namespace:name)."""
    resolver = get_resolver()
    *namespaces, url_name = name.split(":")
    for ns in namespaces:
        resolver = resolver.namespace_dict[ns][1]
    params = set()
    for _possibility, _pattern, _defaults, converters in resolver.reverse_dict.getlist(url_name):
        for key, converter in converters.items():
            if type(converter).__name__ == "IntConverter":
                params.add(key)
    return params


@pytest.fixture
def world(client):
    country = CountryFactory()
    company = CompanyFactory(country=country)
    user = member(company, role=Role.APPROVER, admin=True)
    login(client, user, company)
    return company, user


def _assert_handled(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_out_of_range_ids(client, world, route):
    company, user = world
    client.raise_request_exception = False
    if route.setup:
        route.setup(company)
    kwargs = route.kwargs(company, user) if route.kwargs else {}
    data = route.data(company, user) if route.data else {}
    send = client.post if route.method == "POST" else client.get

    int_params = _int_params(route.name)
    for key in int_params:
        for value in HUGE[:2]:  # the int converter matches digits only
            url = reverse(route.name, kwargs={**kwargs, key: value})
            response = send(url, data)
            assert response.status_code in (400, 404), f"{url}: {response.status_code}"

    url = reverse(route.name, kwargs=kwargs)
    for value in HUGE:
        response = client.get(url, {name: value for name in QUERY_IDS})
        _assert_handled(response, f"GET {url} ?ids={value}")
        if route.method == "POST":
            id_fields = {
                k: value for k, v in data.items() if isinstance(v, int) or str(v).isdigit()
            }
            for key in [*id_fields, *QUERY_IDS]:
                response = client.post(url, {**data, key: value})
                _assert_handled(response, f"POST {url} {key}={value}")


def test_the_two_reported_urls(client, world):
    response = client.get("/company/?company=99999999999999999999")
    assert response.status_code == 404
    response = client.post("/company/switch/", {"company": "99999999999999999999"})
    assert response.status_code == 400
    response = client.post("/company/switch/", {"company": "abc"})
    assert response.status_code == 400
