"""User.objects.with_app: the one query of "users with application X in company C"."""

import pytest

from portal.models import Authorization, Role, User
from tests.factories.portal import member

pytestmark = pytest.mark.django_db


def emails(queryset):
    return sorted(queryset.values_list("email", flat=True))


def test_granted_active_users_of_the_company_with_at_least_the_role(company, other_company):
    member(company, role=Role.VIEWER, apps=["invoices"], email="viewer@acme.test")
    member(company, role=Role.APPROVER, apps=["invoices"], email="approver@acme.test")
    member(company, role=Role.APPROVER, apps=["orders"], email="orders@acme.test")
    member(company, role=Role.APPROVER, apps=["invoices"], email="gone@acme.test", is_active=False)
    member(other_company, role=Role.APPROVER, apps=["invoices"], email="other@other.test")
    pending = member(company, role=None, email="pending@acme.test")
    Authorization.objects.create(user=pending, company=company, app="invoices")
    revoked = member(company, role=Role.APPROVER, apps=["invoices"], email="revoked@acme.test")
    Authorization.objects.filter(user=revoked).update(status=Authorization.Status.REVOKED)

    assert emails(User.objects.with_app(company, "invoices")) == [
        "approver@acme.test",
        "viewer@acme.test",
    ]
    assert emails(User.objects.with_app(company, "invoices", role=Role.APPROVER)) == [
        "approver@acme.test"
    ]
    assert emails(User.objects.with_app(other_company, "invoices")) == ["other@other.test"]
