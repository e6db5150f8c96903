"""Agents apply or refuse inventory change requests in the admin, in one action."""

import pytest
from django.urls import reverse

from inventory.models import ChangeKind, ChangeStatus
from inventory.services import change_request_submit
from tests.conftest import login_agent
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    login_agent(client, agent)
    return client


def test_agent_sees_the_change_and_applies_it(agent_client, company, viewer, sites):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(
        company=company, user=viewer, kind=ChangeKind.MOVE, item=item, values={"site": sites[1].pk}
    )
    page = agent_client.get(reverse("admin:inventory_changerequest_change", args=[change.pk]))
    assert page.status_code == 200 and "Apply the change" in page.content.decode()
    response = agent_client.post(reverse("admin:inventory_changerequest_apply", args=[change.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    change.refresh_from_db()
    assert (
        item.site == sites[1]
        and change.status == ChangeStatus.APPLIED
        and change.decided_by.email == "agent@cs.test"
    )


def test_refusal_without_reason_changes_nothing(agent_client, company, viewer, sites):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    agent_client.post(
        reverse("admin:inventory_changerequest_refuse", args=[change.pk]), {"reason": ""}
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    agent_client.post(
        reverse("admin:inventory_changerequest_refuse", args=[change.pk]),
        {"reason": "Still under lease"},
    )
    change.refresh_from_db()
    item.refresh_from_db()
    assert change.status == ChangeStatus.REFUSED and item.removed_at is None


def test_customers_cannot_use_the_admin_actions(client, company, viewer, sites):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    client.force_login(viewer)
    response = client.post(reverse("admin:inventory_changerequest_apply", args=[change.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
