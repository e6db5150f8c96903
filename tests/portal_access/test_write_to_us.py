"""Customer service is reachable before any application is granted; access pages say
what is going on (pending since, who decides); help lists the country's topics only."""

import pytest
from django.urls import reverse

from portal.models import Authorization, HelpContact, Membership, Topic
from requests_inbox.models import Request
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_without_any_application_writes_to_us(client, company, no_rights):
    login(client, no_rights, company)
    form = client.get(reverse("requests_inbox:create"))
    assert form.status_code == 200
    response = client.post(
        reverse("requests_inbox:create"),
        {"subject": "Who is our administrator?", "category": "other", "message": "Hello"},
    )
    created = Request.objects.get(company=company, requester=no_rights)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert created.number in page.content.decode()
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("requests_inbox:list")}"' in home


def test_a_revoked_requests_access_stays_revoked(client, company, no_rights):
    Authorization.objects.create(
        user=no_rights, company=company, app="requests", status=Authorization.Status.REVOKED
    )
    login(client, no_rights, company)
    response = client.get(reverse("requests_inbox:create"))
    assert response.status_code == 302
    assert reverse("portal:request_access") in response["Location"]


def test_help_page_write_link_opens_for_a_member_and_never_loops(client, company, no_rights):
    login(client, no_rights, company)
    page = client.get(reverse("portal:help")).content.decode()
    assert reverse("requests_inbox:create") in page
    newcomer = UserFactory()
    client.force_login(newcomer)
    page = client.get(reverse("portal:help")).content.decode()
    assert reverse("requests_inbox:create") not in page
    assert "Writing to us online opens once you belong to a company" in page


def test_help_lists_only_topics_of_the_applications_offered(client):
    us = CountryFactory(code="US", name="United States", apps=["orders", "requests"])
    for topic in [Topic.ORDERS, Topic.CONTRACTS, Topic.INVENTORY, Topic.OTHER]:
        HelpContact.objects.create(country=us, topic=topic, phone=f"+1 555 {topic}")
    page = client.get(reverse("portal:help"), {"country": "US"}).content.decode()
    assert "+1 555 orders" in page and "+1 555 other" in page
    assert "+1 555 contracts" not in page and "+1 555 inventory" not in page


def test_request_form_offers_the_topics_of_the_country(client):
    us = CountryFactory(code="US", name="United States", apps=["orders", "requests"])
    company = CompanyFactory(country=us)
    user = UserFactory()
    Membership.objects.create(user=user, company=company)
    login(client, user, company)
    page = client.get(reverse("requests_inbox:create")).content.decode()
    assert 'value="orders"' in page and 'value="other"' in page
    assert 'value="contracts"' not in page


def test_a_pending_request_shows_pending_since_instead_of_the_form(client, company, no_rights):
    Authorization.objects.create(user=no_rights, company=company, app="orders")
    login(client, no_rights, company)
    page = client.get(reverse("portal:request_access"), {"app": "orders"}).content.decode()
    assert "Your request for Order Status Online is pending since" in page
    assert "Send my request" not in page
    other = client.get(reverse("portal:request_access"), {"app": "invoices"}).content.decode()
    assert "Send my request" in other


def test_first_request_to_a_company_without_administrator_says_customer_service_decides(
    client, company
):
    newcomer = UserFactory()
    client.force_login(newcomer)
    response = client.post(
        reverse("portal:request_access"),
        {
            "app": "orders",
            "role": "viewer",
            "customer_number": company.customer_number,
            "justification": "Deliveries",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "customer service will decide on your request for Order Status Online" in page
    assert "sent to ACME France SA" not in page


def test_with_an_administrator_the_request_goes_to_them(client, company, company_admin):
    newcomer = UserFactory()
    client.force_login(newcomer)
    response = client.post(
        reverse("portal:request_access"),
        {
            "app": "orders",
            "role": "viewer",
            "customer_number": company.customer_number,
            "justification": "Deliveries",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The company&#x27;s administrators decide" in page
    assert "ACME France SA" not in page  # requested by number: the company is not named
