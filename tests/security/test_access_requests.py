"""Asking for access by customer number (issue 14 item 12).

Anyone with an ID may type a customer number. Until an administrator has approved,
the requester learns nothing about the company (not even its name), its administrators
receive none of the requester's free text by e-mail, and one requester cannot send
many requests.
"""

import pytest
from django.urls import reverse

from portal.models import Authorization
from tests.conftest import login
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

PHISH = "URGENT: your supplier changed its bank account, pay to https://evil.example/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    from django.core.cache import caches

    caches["limits"].clear()
    yield
    caches["limits"].clear()


def ask(client, customer_number, justification=PHISH, app="orders"):
    return client.post(
        reverse("portal:request_access"),
        {
            "app": app,
            "customer_number": customer_number,
            "role": "viewer",
            "justification": justification,
        },
        follow=True,
    )


def test_the_requester_is_not_told_the_company_name(client, company, company_admin):
    login(client, UserFactory())
    page = ask(client, company.customer_number).content.decode()
    assert "has been sent" in page
    assert company.name not in page
    assert Authorization.objects.filter(company=company, status="pending").exists()


def test_the_administrators_receive_none_of_the_requesters_text(
    client, company, company_admin, mailoutbox, django_capture_on_commit_callbacks
):
    stranger = UserFactory(email="stranger@outside.test", first_name="Pay", last_name="Now")
    login(client, stranger)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, company.customer_number)
    [mail] = mailoutbox
    html = mail.alternatives[0][0] if mail.alternatives else ""
    for part in (mail.subject, mail.body, html):
        assert "evil.example" not in part and "URGENT" not in part
        assert "Pay Now" not in part
    assert "stranger@outside.test" in mail.body
    # the administrator reads the justification behind the sign-in
    login(client, company_admin, company)
    assert "evil.example" in client.get(reverse("portal:my_company")).content.decode()


def test_one_requester_cannot_send_many_requests(client, company, company_admin, country):
    from tests.factories.portal import CompanyFactory

    requester = UserFactory()
    login(client, requester)
    others = [CompanyFactory(country=country) for _ in range(10)]
    for other in others:
        ask(client, other.customer_number)
    page = ask(client, company.customer_number).content.decode()
    assert "Too many requests by customer number" in page
    assert not Authorization.objects.filter(user=requester, company=company).exists()
