"""Issue 14, item 8: "E-mail this report" was an open relay (six posts, 60 e-mails to
outside addresses, with an attacker-chosen subject).

Now: recipients are colleagues or domains the company administrator allows; sends are
capped per user and company per hour; the subject is never text a user typed.
"""

import pytest
from django.urls import reverse

from orders.models import OrderStatus, SavedReport
from portal.models import Membership, Notification, Role
from tests.conftest import login
from tests.factories.portal import member
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _email(client, key="open-orders", recipients="", **extra):
    return client.post(
        reverse("orders:report_email", kwargs={"key": key}),
        {"recipients": recipients, "format": "csv", "mode": "link", **extra},
    )


def test_outside_addresses_are_refused(client, company, mailoutbox):
    user = member(company, role=Role.VIEWER, email="viewer@acme.test")
    login(client, user, company)
    response = _email(client, recipients="victim1@spam.example, victim2@spam.example")
    assert response.status_code == 200
    assert "only to colleagues" in response.text
    assert "victim1@spam.example" in response.text  # what the user typed is kept
    assert Notification.objects.count() == 0 and mailoutbox == []


def test_a_domain_allowed_by_the_administrator_is_accepted(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    admin = member(company, role=Role.VIEWER, admin=True, email="boss@acme.test")
    login(client, admin, company)
    response = client.post(
        reverse("portal:report_domains"), {"domains": "accountant.example\n@Partner.example"}
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.report_domains == ["accountant.example", "partner.example"]
    assert "accountant.example" in client.get(reverse("portal:my_company")).text

    user = member(company, role=Role.VIEWER, email="viewer@acme.test")
    login(client, user, company)
    with django_capture_on_commit_callbacks(execute=True):
        response = _email(client, recipients="books@accountant.example, viewer@acme.test")
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["books@accountant.example", "viewer@acme.test"]


def test_only_the_company_administrator_sets_the_domains(client, company):
    user = member(company, role=Role.APPROVER, email="viewer@acme.test")
    login(client, user, company)
    response = client.post(reverse("portal:report_domains"), {"domains": "spam.example"})
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.report_domains == []


def test_a_bad_domain_is_refused_with_a_message(client, company):
    admin = member(company, role=Role.VIEWER, admin=True)
    login(client, admin, company)
    page = client.post(reverse("portal:report_domains"), {"domains": "not a domain!"}, follow=True)
    assert "is not a domain name" in page.text
    company.refresh_from_db()
    assert company.report_domains == []


def test_sends_are_capped_per_user_and_company(client, company, settings):
    settings.REPORT_EMAILS_PER_HOUR_USER = 2
    settings.REPORT_EMAILS_PER_HOUR_COMPANY = 3
    settings.JOBS_MAX_ACTIVE_PER_USER = 10
    settings.JOBS_MAX_ACTIVE_PER_COMPANY = 10
    user = member(company, role=Role.VIEWER, email="viewer@acme.test")
    login(client, user, company)
    for _ in range(2):
        assert _email(client, recipients="viewer@acme.test").status_code == 302
    refused = _email(client, recipients="viewer@acme.test")
    assert refused.status_code == 200
    assert "You have sent 2 reports in the last hour" in refused.text

    colleague = member(company, role=Role.VIEWER, email="colleague@acme.test")
    login(client, colleague, company)
    assert _email(client, recipients="colleague@acme.test").status_code == 302
    refused = _email(client, recipients="colleague@acme.test")
    assert "Your company has sent 3 reports in the last hour" in refused.text


def test_the_subject_is_never_text_the_user_typed(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    user = member(company, role=Role.VIEWER, email="viewer@acme.test")
    OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    saved = SavedReport.objects.create(
        company=company, owner=user, name="WIN A FREE PHONE click here", query=""
    )
    login(client, user, company)
    with django_capture_on_commit_callbacks(execute=True):
        response = _email(client, key=str(saved.pk), recipients="viewer@acme.test")
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert "FREE PHONE" not in mail.subject
    assert "Custom order report" in mail.subject
    assert Membership.objects.filter(user=user).exists()
