"""Extra fields (company, status, is_staff, assignee...) posted to forms are never
persisted; another company's ids in a form field are refused like unknown ones."""

import pytest
from django.urls import reverse

from requests_inbox.models import Request
from tests.conftest import login
from tests.factories.portal import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_profile_ignores_privilege_fields(client, company, viewer):
    login(client, viewer, company)
    response = client.post(
        reverse("portal:profile"),
        {
            "first_name": "Chloé",
            "last_name": "Durand",
            "preferred_language": "fr",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "admin@supplier.example",
            "is_active": "",
            "groups": "1",
        },
    )
    assert response.status_code in (200, 302)
    viewer.refresh_from_db()
    assert viewer.first_name == "Chloé"
    assert not viewer.is_staff and not viewer.is_superuser and viewer.is_active
    assert viewer.email == "viewer@acme.test" and not viewer.groups.exists()


def test_write_to_us_ignores_company_status_and_assignee(client, company, other_company, viewer):
    agent = UserFactory(is_staff=True)
    login(client, viewer, company)
    response = client.post(
        reverse("requests_inbox:create"),
        {
            "subject": "Question",
            "category": "other",
            "message": "Hello",
            "company": other_company.pk,
            "status": "closed",
            "assignee": agent.pk,
            "requester": agent.pk,
            "number": "CS-1999-000001",
            "payload": '{"inventory_change": "remove"}',
        },
    )
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.company == company and request.requester == viewer
    assert request.status == "new" and request.assignee is None
    assert request.number != "CS-1999-000001" and request.payload == {}


def test_another_companys_order_number_reads_like_an_unknown_one(
    client, company, other_company, viewer
):
    OrderFactory(company=other_company, number="4599999")
    login(client, viewer, company)
    url = reverse("requests_inbox:create")
    foreign = client.post(
        url, {"subject": "Order", "category": "orders", "reference": "4599999", "message": "Hi"}
    )
    unknown = client.post(
        url, {"subject": "Order", "category": "orders", "reference": "4588888", "message": "Hi"}
    )
    assert foreign.status_code == unknown.status_code == 200
    foreign_errors = str(foreign.context["form"].errors).replace("4599999", "N")
    assert "reference" in foreign.context["form"].errors
    assert foreign_errors == str(unknown.context["form"].errors).replace("4588888", "N")
    assert not Request.objects.exists()
