"""Object links of another company the user belongs to switch the active company."""

import pytest
from django.urls import reverse

from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Authorization, Membership, Role
from tests.conftest import login
from tests.factories.portal import member
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def multi(company, other_company):
    """Viewer of every application in both companies; ACME (company) is active."""
    user = member(company, role=Role.VIEWER, email="multi@example.com")
    Membership.objects.create(user=user, company=other_company)
    for app in other_company.country.apps:
        Authorization.objects.create(
            user=user, company=other_company, app=app, role=Role.VIEWER, status="granted"
        )
    return user


def test_link_to_other_company_object_switches_with_notice(client, multi, company, other_company):
    globex_request = RequestFactory(company=other_company, requester=multi)
    login(client, multi, company)
    url = reverse("requests_inbox:detail", kwargs={"number": globex_request.number})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.session[ACTIVE_COMPANY_KEY] == other_company.pk
    page = client.get(url)
    assert page.status_code == 200
    assert globex_request.subject in page.content.decode()
    assert "it is now your active company" in page.content.decode()


def test_own_company_object_does_not_switch(client, multi, company, other_company):
    mine = RequestFactory(company=company, requester=multi)
    login(client, multi, company)
    response = client.get(reverse("requests_inbox:detail", kwargs={"number": mine.number}))
    assert response.status_code == 200
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_without_the_application_there_it_is_a_404(client, company, other_company):
    user = member(company, role=Role.VIEWER, email="half@example.com")
    Membership.objects.create(user=user, company=other_company)  # no rights there
    globex_request = RequestFactory(company=other_company)
    login(client, user, company)
    url = reverse("requests_inbox:detail", kwargs={"number": globex_request.number})
    assert client.get(url).status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_non_member_gets_the_same_404_as_a_missing_object(client, viewer, other_company):
    globex_request = RequestFactory(company=other_company)
    login(client, viewer)
    existing = client.get(reverse("requests_inbox:detail", args=[globex_request.number]))
    missing = client.get(reverse("requests_inbox:detail", args=["CS-2026-999999"]))
    assert existing.status_code == missing.status_code == 404
    assert globex_request.subject not in existing.content.decode()
    assert existing.templates[0].name == missing.templates[0].name == "404.html"


def test_missing_object_in_every_company_is_a_404(client, multi, company):
    login(client, multi, company)
    response = client.get(reverse("requests_inbox:detail", args=["CS-2026-999999"]))
    assert response.status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk


def test_post_never_switches(client, multi, company, other_company):
    globex_request = RequestFactory(company=other_company, requester=multi)
    login(client, multi, company)
    response = client.post(
        reverse("requests_inbox:reply", args=[globex_request.number]), {"body": "x"}
    )
    assert response.status_code == 404
    assert client.session[ACTIVE_COMPANY_KEY] == company.pk
