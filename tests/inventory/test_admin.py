"""Agents apply or refuse inventory change requests in the admin, in one action."""

from html.parser import HTMLParser

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


class _Forms(HTMLParser):
    """Records, for each form id, the id of the form it sits in (None when top-level)."""

    def __init__(self):
        super().__init__()
        self.stack, self.parent = [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            form_id = dict(attrs).get("id", "")
            self.parent[form_id] = self.stack[-1] if self.stack else None
            self.stack.append(form_id)

    def handle_endtag(self, tag):
        if tag == "form" and self.stack:
            self.stack.pop()


def test_apply_and_refuse_forms_are_not_nested_in_the_admin_form(
    agent_client, company, viewer, sites
):
    """A form nested in the admin's form is dropped by the browser: "Apply" did nothing."""
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    page = agent_client.get(reverse("admin:inventory_changerequest_change", args=[change.pk]))
    parser = _Forms()
    parser.feed(page.content.decode())
    assert "apply-form" in parser.parent and "refuse-form" in parser.parent
    assert parser.parent["apply-form"] is None and parser.parent["refuse-form"] is None
