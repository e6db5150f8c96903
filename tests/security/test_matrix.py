import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.security as security_pkg
from portal.applications import CATALOGUE
from portal.models import Authorization, Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.security.matrix import EXEMPT_NAMES, EXEMPT_PREFIXES, Route

pytestmark = pytest.mark.django_db


def _collect_routes() -> list[Route]:
    routes: list[Route] = []
    for module in pkgutil.iter_modules(security_pkg.__path__):
        if module.name.startswith("routes_"):
            routes.extend(importlib.import_module(f"tests.security.{module.name}").ROUTES)
    return routes


ROUTES = _collect_routes()


def _url_names(resolver=None, namespace="") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_url_names(pattern, ns))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def test_every_url_pattern_is_in_the_matrix():
    declared = {r.name for r in ROUTES}
    missing = [
        name
        for name in _url_names()
        if name not in declared
        and name not in EXEMPT_NAMES
        and not any(name.startswith(p) for p in EXEMPT_PREFIXES)
    ]
    assert missing == [], f"URL patterns not covered by tests/security/routes_*.py: {missing}"


def _request(client, route: Route, company, user):
    if route.setup:
        route.setup(company)
    kwargs = route.kwargs(company, user) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    if route.method == "POST":
        data = route.data(company, user) if route.data else {}
        return client.post(url, data)
    return client.get(url)


def _ids(route: Route) -> str:
    return f"{route.method} {route.name}"


@pytest.fixture
def world():
    country = CountryFactory()
    company = CompanyFactory(country=country)
    other = CompanyFactory(country=country)
    return {"country": country, "company": company, "other": other}


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_anonymous(client, world, route):
    company = world["company"]
    owner = member(company, role=Role.APPROVER, admin=True)
    response = _request(client, route, company, owner)
    if route.public:
        assert response.status_code in route.ok
    elif route.signed_out is not None:
        assert response.status_code == route.signed_out
        assert not response.content  # nothing of the page, nothing swapped into the header
    else:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.app], ids=_ids)
def test_member_without_the_application(client, world, route):
    company = world["company"]
    user = member(company, role=None)
    response = _request(login(client, user, company), route, company, user)
    if CATALOGUE[route.app].open_to_members and route.role == Role.VIEWER:
        # Every member writes to customer service without asking first (own requests).
        assert response.status_code in route.ok, response.content[:500]
        return
    assert response.status_code == 302
    assert reverse("portal:request_access") in response["Location"]


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=_ids)
def test_viewer(client, world, route):
    company = world["company"]
    user = member(company, role=Role.VIEWER)
    response = _request(login(client, user, company), route, company, user)
    if route.role == Role.APPROVER or route.company_admin:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code in route.ok, response.content[:500]


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=_ids)
def test_approver(client, world, route):
    company = world["company"]
    user = member(company, role=Role.APPROVER, admin=route.company_admin)
    response = _request(login(client, user, company), route, company, user)
    assert response.status_code in route.ok, response.content[:500]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.has_objects and not r.public], ids=_ids)
def test_other_company_gets_404(client, world, route):
    company, other = world["company"], world["other"]
    owner = member(company, role=Role.APPROVER, admin=True)
    outsider = member(other, role=Role.APPROVER, admin=True)
    if route.setup:
        route.setup(company)
        route.setup(other)
    kwargs = route.kwargs(company, owner)
    url = reverse(route.name, kwargs=kwargs)
    login(client, outsider, other)
    if route.method == "POST":
        data = route.data(company, owner) if route.data else {}
        response = client.post(url, data)
    else:
        response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("route", [r for r in ROUTES if r.app and not r.public], ids=_ids)
def test_application_not_offered_in_the_country_is_404(client, world, route):
    closed = CountryFactory(code="ZZ", name="Nowhere", apps=[])
    company = CompanyFactory(country=closed)
    user = member(company, role=None)
    Authorization.objects.create(
        user=user,
        company=company,
        app=route.app,
        role=Role.APPROVER,
        status=Authorization.Status.GRANTED,
    )
    response = _request(login(client, user, company), route, company, user)
    assert response.status_code == 404
