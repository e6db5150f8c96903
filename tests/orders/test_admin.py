import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from orders.models import OrderStatus
from portal.agents import make_agent
from tests.conftest import login_agent
from tests.factories.portal import UserFactory
from tests.orders.factories import CarrierFactory, OrderFactory, OrderLineFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    """A customer-service agent (the agent group's rights, no superuser) with MFA."""
    agent = UserFactory(email="agent@supplier.test")
    make_agent([agent])
    TOTP.activate(agent, generate_totp_secret())
    login_agent(client, agent)
    return client


def test_agent_pages_open(agent_client, company):
    order = OrderFactory(company=company)
    OrderLineFactory(order=order)
    ShipmentFactory(order=order)
    for name, args in [
        ("admin:orders_order_changelist", []),
        ("admin:orders_order_change", [order.pk]),
        ("admin:orders_shipment_change", [order.shipments.get().pk]),
        ("admin:orders_carrier_changelist", []),
        ("admin:orders_savedreport_changelist", []),
        ("admin:orders_reportschedule_changelist", []),
    ]:
        response = agent_client.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_agent_status_change_writes_the_timeline(agent_client, company):
    order = OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    url = reverse("admin:orders_order_change", args=[order.pk])
    page = agent_client.get(url).content.decode()
    data = {
        "_version": re.search(r'name="_version" value="([0-9a-f]+)"', page).group(1),
        "number": order.number,
        "customer_po": order.customer_po,
        "country": order.country.pk,
        "ordered_on": order.ordered_on.isoformat(),
        "status": OrderStatus.SHIPPED,
        "ship_to": "",
        "currency": "EUR",
        "total": "10.00",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-position": "1",
        "lines-0-part_number": "NEW-PART",
        "lines-0-quantity": "3",
        "lines-0-status": "open",
        "shipments-TOTAL_FORMS": "0",
        "shipments-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = agent_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert list(order.status_changes.values_list("status", flat=True)) == ["shipped"]
    assert order.lines.get().company == company


def test_carrier_template_must_be_https_with_placeholder(agent_client):
    response = agent_client.post(
        reverse("admin:orders_carrier_add"),
        {"name": "Evil", "tracking_url_template": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "must start with https://" in response.content.decode()
    CarrierFactory()
    assert settings.ADMIN_PATH
