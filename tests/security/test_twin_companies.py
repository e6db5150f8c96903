"""Two companies seeded with identical order, invoice, contract and serial numbers (and
identical request subjects): the other company's rows never show in a list, search, detail, export,
counter or home-page figure."""

import pytest
from django.urls import reverse

from portal.models import Role
from tests.conftest import login
from tests.contracts.factories import ContractFactory
from tests.factories.portal import CompanyFactory, CountryFactory, SiteFactory, member
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory
from tests.invoices.factories import BillingAccountFactory, InvoiceFactory
from tests.orders.factories import OrderFactory
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.django_db

OURS, THEIRS = "OURS-MARK", "FOREIGN-MARK"


def _seed(company, marker, user):
    account = BillingAccountFactory(company=company, number="BA-1", name=f"Account {marker}")
    InvoiceFactory(company=company, billing_account=account, number="F-1", po_number=f"PO-{marker}")
    OrderFactory(company=company, number="4500001", customer_po=f"PO-{marker}")
    ContractFactory(company=company, number="K-1", title=f"Maintenance {marker}")
    # tracking numbers are the supplier's, unique platform-wide: only the subjects collide
    number = "CS-2026-000001" if marker == OURS else "CS-2026-000002"
    RequestFactory(company=company, requester=user, number=number, subject=f"Question {marker}")
    ItemFactory(
        site=SiteFactory(company=company, name=f"Site {marker}"),
        serial_number="78SAME",
        description=f"Machine {marker}",
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.fixture
def twins():
    country = CountryFactory(features=["services_assistant", "inventory_online"])
    ours, theirs = CompanyFactory(country=country), CompanyFactory(country=country)
    user = member(ours, role=Role.APPROVER, admin=True)
    foreign_user = member(theirs, role=Role.APPROVER, admin=True)
    make_online(ours)
    _seed(ours, OURS, user)
    _seed(theirs, THEIRS, foreign_user)
    return ours, user


PAGES = [
    ("portal:home", {}, {}),
    ("orders:list", {}, {"q": "4500001"}),
    ("orders:export", {}, {"fmt": "csv"}),
    ("orders:detail", {"number": "4500001"}, {}),
    ("invoices:list", {}, {"q": "F-1"}),
    ("invoices:export", {}, {"fmt": "csv"}),
    ("invoices:detail", {"number": "F-1"}, {}),
    ("contracts:list", {}, {"q": "K-1"}),
    ("contracts:export", {}, {"fmt": "csv"}),
    ("contracts:detail", {"number": "K-1"}, {}),
    ("requests_inbox:list", {}, {"q": "Question"}),
    ("requests_inbox:detail", {"number": "CS-2026-000001"}, {}),
    ("inventory:home", {}, {"q": "78SAME"}),
    ("inventory:home", {}, {"q": "78SAME", "fmt": "csv"}),
    ("statements:list", {}, {}),
]


@pytest.mark.parametrize(("name", "kwargs", "query"), PAGES, ids=[f"{p[0]} {p[2]}" for p in PAGES])
def test_the_twin_companys_rows_never_show(client, twins, name, kwargs, query):
    company, user = twins
    login(client, user, company)
    response = client.get(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 200
    body = _body(response)
    assert THEIRS not in body
    if name not in ("portal:home", "statements:list"):
        assert OURS in body  # the page did show our twin row
