"""`?print=all` (a list's whole selection, up to PRINT_MAX_ROWS rows) is the same view
behind the same gate: every GET route of the matrix asked with it answers as without it
for the anonymous, the member without the application, the other company's user (404
on this company's objects) and the viewer, whose printout holds only their company's rows.
"""

import pytest
from django.urls import reverse

from portal.applications import CATALOGUE
from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.security.matrix import Route
from tests.security.test_matrix import ROUTES, _ids

pytestmark = pytest.mark.django_db

PRINT_ALL = {"print": "all"}
GETS = [r for r in ROUTES if r.method == "GET" and not r.public and r.signed_out is None]


@pytest.fixture
def world():
    country = CountryFactory()
    return {"company": CompanyFactory(country=country), "other": CompanyFactory(country=country)}


def _url(route: Route, company, user) -> str:
    if route.setup:
        route.setup(company)
    kwargs = route.kwargs(company, user) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("route", GETS, ids=_ids)
def test_print_all_signed_out_goes_to_the_sign_in(client, world, route):
    company = world["company"]
    url = _url(route, company, member(company, role=Role.APPROVER, admin=True))
    response = client.get(url, PRINT_ALL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("route", [r for r in GETS if r.app], ids=_ids)
def test_print_all_without_the_application_is_asked_for_access(client, world, route):
    company = world["company"]
    user = member(company, role=None)
    url = _url(route, company, user)
    response = login(client, user, company).get(url, PRINT_ALL)
    if CATALOGUE[route.app].open_to_members and route.role == Role.VIEWER:
        assert response.status_code in route.ok
        return
    assert response.status_code == 302
    assert reverse("portal:request_access") in response["Location"]


@pytest.mark.parametrize("route", [r for r in GETS if r.has_objects], ids=_ids)
def test_print_all_of_another_companys_object_is_a_404(client, world, route):
    company, other = world["company"], world["other"]
    url = _url(route, company, member(company, role=Role.APPROVER, admin=True))
    if route.setup:
        route.setup(other)
    outsider = member(other, role=Role.APPROVER, admin=True)
    assert login(client, outsider, other).get(url, PRINT_ALL).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["invoices:list", "orders:list", "contracts:list", "requests_inbox:list"],
)
def test_a_printout_holds_only_the_active_companys_rows(client, world, name):
    from tests.contracts.factories import ContractFactory
    from tests.invoices.factories import InvoiceFactory
    from tests.orders.factories import OrderFactory
    from tests.requests_inbox.factories import RequestFactory

    company, other = world["company"], world["other"]
    viewer = member(company, role=Role.VIEWER)
    makers = {
        "invoices:list": lambda c, tag: InvoiceFactory(company=c, number=tag),
        "orders:list": lambda c, tag: OrderFactory(company=c, number=tag),
        "contracts:list": lambda c, tag: ContractFactory(company=c, number=tag),
        "requests_inbox:list": lambda c, tag: RequestFactory(
            company=c, requester=viewer if c == company else member(c), subject=tag
        ),
    }
    makers[name](company, "MINE-0001")
    makers[name](other, "THEIRS-0001")
    response = login(client, viewer, company).get(reverse(name), PRINT_ALL)
    assert response.status_code == 200
    assert "MINE-0001" in response.text and "THEIRS-0001" not in response.text
