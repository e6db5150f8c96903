"""Agents approve or refuse an access request from its page, with the role and a reason."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from portal.agents import make_agent
from portal.applications import App
from portal.models import Authorization
from tests.conftest import login_agent
from tests.factories.portal import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(db):
    agent = UserFactory(email="agent@cs.test", first_name="Alice", last_name="Agent")
    make_agent([agent])
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "x"})
    c = Client()
    login_agent(c, agent)
    return c


def pending(company, email="new@acme.test"):
    return Authorization.objects.create(
        user=UserFactory(email=email), company=company, app=App.ORDERS, role="viewer"
    )


def test_approve_from_the_page_with_the_role_chosen(
    agent_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    auth = pending(company)
    page = agent_client.get(reverse("admin:portal_authorization_change", args=[auth.pk]))
    html = page.content.decode()
    assert "This company has no administrator: customer service decides." in html
    assert 'name="decision" value="approve"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("admin:portal_authorization_decide", args=[auth.pk]),
            {"decision": "approve", "role": "approver", "note": "Checked by phone"},
            follow=True,
        )
    assert "Access granted" in response.content.decode()
    auth.refresh_from_db()
    assert (auth.status, auth.role, auth.decision_note) == (
        "granted",
        "approver",
        "Checked by phone",
    )
    assert [m.to for m in mailoutbox] == [["new@acme.test"]]


def test_refusal_needs_a_reason_and_tells_the_requester(
    agent_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    auth = pending(company)
    url = reverse("admin:portal_authorization_decide", args=[auth.pk])
    response = agent_client.post(url, {"decision": "refuse", "note": ""}, follow=True)
    assert "Please write the reason for the refusal." in response.content.decode()
    assert Authorization.objects.get(pk=auth.pk).status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(url, {"decision": "refuse", "note": "Not an employee"})
    auth.refresh_from_db()
    assert auth.status == "rejected" and auth.decision_note == "Not an employee"
    assert "Not an employee" in mailoutbox[-1].body


def test_the_page_names_the_companys_own_administrators(agent_client, company):
    member(company, admin=True, email="boss@acme.test")
    auth = pending(company)
    html = agent_client.get(
        reverse("admin:portal_authorization_change", args=[auth.pk])
    ).content.decode()
    assert "This company has its own administrators" in html and "boss@acme.test" in html


def test_deciding_needs_a_post_and_the_agent_right(client, company):
    auth = pending(company)
    url = reverse("admin:portal_authorization_decide", args=[auth.pk])
    client.force_login(UserFactory())
    assert client.post(url, {"decision": "approve"}).status_code in (302, 403)
    assert Authorization.objects.get(pk=auth.pk).status == "pending"
