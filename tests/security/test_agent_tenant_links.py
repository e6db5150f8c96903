"""An agent cannot tie one company's record to another company's (a site, a contract, an
order): the record would show the other customer's data, or leave its owner's view."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from contracts.models import Contract
from portal.agents import make_agent
from tests.admin_forms import form_data
from tests.conftest import login_agent
from tests.factories.portal import SiteFactory, UserFactory
from tests.inventory.factories import ItemFactory
from tests.orders.factories import OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client():
    user = UserFactory(email="alice@cs.test", first_name="Alice", last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return login_agent(Client(), user)


def test_an_installed_item_cannot_move_to_another_companys_site(
    agent_client, company, other_company
):
    item = ItemFactory(site=SiteFactory(company=company, name="Paris"))
    theirs = SiteFactory(company=other_company, name="Their plant")
    url = reverse("admin:inventory_installeditem_change", args=[item.pk])
    data = form_data(agent_client.get(url).content)
    data["site"] = str(theirs.pk)
    response = agent_client.post(url, data)
    assert response.status_code == 200
    assert "belongs to another company" in response.content.decode()
    item.refresh_from_db()
    assert item.site.name == "Paris"
    # the company's own site is accepted
    mine = SiteFactory(company=company, name="Lyon")
    data = form_data(agent_client.get(url).content)
    data["site"] = str(mine.pk)
    assert agent_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.site == mine


def test_an_installed_item_cannot_point_to_another_companys_contract(
    agent_client, company, other_company
):
    from tests.contracts.factories import ContractFactory

    item = ItemFactory(site=SiteFactory(company=company))
    theirs = ContractFactory(company=other_company)
    url = reverse("admin:inventory_installeditem_change", args=[item.pk])
    data = form_data(agent_client.get(url).content)
    data["maintenance_contract"] = str(theirs.pk)
    response = agent_client.post(url, data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.maintenance_contract is None
    assert Contract.objects.filter(pk=theirs.pk).exists()


def test_a_shipment_cannot_move_to_another_companys_order(agent_client, company, other_company):
    shipment = ShipmentFactory(order=OrderFactory(company=company))
    theirs = OrderFactory(company=other_company)
    url = reverse("admin:orders_shipment_change", args=[shipment.pk])
    data = form_data(agent_client.get(url).content)
    data["order"] = str(theirs.pk)
    response = agent_client.post(url, data)
    assert response.status_code == 200
    assert "belongs to another company" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.order.company == company


def test_an_order_cannot_ship_to_another_companys_site(agent_client, company, other_company):
    order = OrderFactory(company=company)
    theirs = SiteFactory(company=other_company)
    url = reverse("admin:orders_order_change", args=[order.pk])
    data = form_data(agent_client.get(url).content)
    data["ship_to"] = str(theirs.pk)
    response = agent_client.post(url, data)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.ship_to_id != theirs.pk


def test_a_membership_cannot_be_handed_to_another_user(agent_client, company):
    from portal.models import Membership
    from tests.factories.portal import member

    admin = member(company, email="boss@acme.test", admin=True)
    stranger = UserFactory(email="stranger@elsewhere.test")
    membership = Membership.objects.get(user=admin, company=company)
    url = reverse("admin:portal_membership_change", args=[membership.pk])
    page = agent_client.get(url).content.decode()
    assert 'name="user"' not in page
    data = form_data(page.encode())
    data["user"] = str(stranger.pk)
    agent_client.post(url, data)
    membership.refresh_from_db()
    assert membership.user == admin
    assert not Membership.objects.filter(user=stranger).exists()
