"""Two agents on one record with rows edited on the same page (a company's sites, an
order's lines): a stale page cannot revert a colleague's change to one of those rows."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from orders.models import OrderLine
from portal.agents import make_agent
from portal.models import Site
from tests.admin_forms import form_data
from tests.conftest import login_agent
from tests.factories.portal import SiteFactory, UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def agent_client(email: str, first_name: str) -> Client:
    user = UserFactory(email=email, first_name=first_name, last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return login_agent(Client(), user)


def test_a_stale_page_cannot_revert_a_colleagues_change_to_a_site(company):
    site = SiteFactory(company=company, name="Lille Euratechnologies", city="Lille")
    url = reverse("admin:portal_company_change", args=[company.pk])
    alice, bob = agent_client("alice@cs.test", "Alice"), agent_client("bob@cs.test", "Bob")
    alice_form, bob_form = form_data(alice.get(url).content), form_data(bob.get(url).content)
    prefix = next(k for k, v in alice_form.items() if k.endswith("-id") and v == str(site.pk))
    prefix = prefix[: -len("id")]

    alice_form[f"{prefix}name"] = "Lille, building B"
    assert alice.post(url, {**alice_form, "_continue": "1"}).status_code == 302
    bob_form[f"{prefix}city"] = "Villeneuve-d'Ascq"
    response = bob.post(url, {**bob_form, "_continue": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Agent changed this record at" in page
    assert "Your changes were NOT saved" in page
    site.refresh_from_db()
    assert (site.name, site.city) == ("Lille, building B", "Lille")
    # The reloaded page saves.
    fresh = form_data(bob.get(url).content)
    fresh[f"{prefix}city"] = "Villeneuve-d'Ascq"
    assert bob.post(url, {**fresh, "_continue": "1"}).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.city) == ("Lille, building B", "Villeneuve-d'Ascq")


def test_a_row_added_by_a_colleague_makes_the_page_stale(company):
    url = reverse("admin:portal_company_change", args=[company.pk])
    alice = agent_client("alice@cs.test", "Alice")
    form = form_data(alice.get(url).content)
    SiteFactory(company=company, name="Added meanwhile")
    form["name"] = "ACME France (renamed)"
    response = alice.post(url, {**form, "_continue": "1"})
    assert response.status_code == 200
    assert "Your changes were NOT saved" in response.content.decode()
    assert Site.objects.filter(company=company).count() == 1


def test_a_stale_page_cannot_revert_an_order_line(company):
    order = OrderFactory(company=company)
    line = OrderLineFactory(order=order, quantity=4)
    url = reverse("admin:orders_order_change", args=[order.pk])
    alice, bob = agent_client("alice@cs.test", "Alice"), agent_client("bob@cs.test", "Bob")
    alice_form, bob_form = form_data(alice.get(url).content), form_data(bob.get(url).content)
    # a change to the line alone, made by a service that does not touch the order
    OrderLine.objects.filter(pk=line.pk).update(quantity=7)
    alice_form["lines-0-quantity"] = "3"
    response = alice.post(url, {**alice_form, "_continue": "1"})
    assert response.status_code == 200
    assert "Your changes were NOT saved" in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 7
    assert bob_form["lines-0-quantity"] == "4"
