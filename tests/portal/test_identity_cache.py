"""The per-request identity (portal.identity): user, memberships and authorizations read
once from a cached entry, yet never stale: a change shows on the very next request, and
nothing of one user's or company's entry is ever served to another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access import decide
from portal.accounts import user_end_other_sessions
from portal.models import Authorization, Membership, Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, member

pytestmark = pytest.mark.django_db

INVOICES = "invoices:list"


@pytest.fixture(autouse=True)
def _identity_kept(settings):
    settings.IDENTITY_CACHE_SECONDS = 300


def identity_queries(client, url):
    """The response, and the queries it made on the identity tables."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    tables = ('"portal_user"', '"portal_membership"', '"portal_authorization"')
    return response, [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]


def test_the_identity_is_read_once_then_kept(viewer_client):
    url = reverse(INVOICES)
    first, first_reads = identity_queries(viewer_client, url)
    second, second_reads = identity_queries(viewer_client, url)
    assert first.status_code == second.status_code == 200
    assert first_reads, "the first request reads the identity from the database"
    assert second_reads == []
    assert second.content.count(b"ACME France SA") == first.content.count(b"ACME France SA")


def test_a_revoked_authorization_takes_effect_on_the_next_request(viewer_client, viewer, company):
    url = reverse(INVOICES)
    assert viewer_client.get(url).status_code == 200
    assert viewer_client.get(url).status_code == 200  # now served from the kept entry
    auth = Authorization.objects.get(user=viewer, company=company, app="invoices")
    auth.status = Authorization.Status.REVOKED
    auth.save()
    response = viewer_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:request_access"))


def test_a_granted_authorization_takes_effect_on_the_next_request(client, company):
    user = member(company, role=None, email="newcomer@acme.test")
    login(client, user, company)
    url = reverse(INVOICES)
    assert client.get(url).status_code == 302
    Authorization.objects.create(
        user=user,
        company=company,
        app="invoices",
        role=Role.VIEWER,
        status=Authorization.Status.GRANTED,
    )
    assert client.get(url).status_code == 200


def test_a_lowered_role_takes_effect_on_the_next_request(approver_client, approver, company):
    first = approver_client.get(reverse(INVOICES))
    assert decide(first.wsgi_request.user, company, "invoices", Role.APPROVER) == "ok"
    auth = Authorization.objects.get(user=approver, company=company, app="invoices")
    auth.role = Role.VIEWER
    auth.save()
    response = approver_client.get(reverse(INVOICES))
    assert response.status_code == 200
    assert decide(response.wsgi_request.user, company, "invoices", Role.APPROVER) == "forbidden"


def test_a_removed_membership_takes_effect_on_the_next_request(viewer_client, viewer, company):
    url = reverse(INVOICES)
    assert viewer_client.get(url).status_code == 200
    assert viewer_client.get(url).status_code == 200
    Membership.objects.filter(user=viewer, company=company).delete()
    response = viewer_client.get(url)
    assert response.status_code != 200
    assert b"ACME France SA" not in response.content
    home = viewer_client.get(reverse("portal:home"), follow=True)
    assert b"ACME France SA" not in home.content


def test_a_company_admin_right_removed_takes_effect_on_the_next_request(client, company):
    admin = member(company, role=Role.APPROVER, admin=True, email="boss@acme.test")
    login(client, admin, company)
    url = reverse("portal:my_company")
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=admin, company=company).update(is_company_admin=False)
    # A bulk update sends no signal: the services change memberships with save().
    membership = Membership.objects.get(user=admin, company=company)
    membership.save()
    assert client.get(url).status_code == 403


def test_one_company_never_shows_for_another(client, company, other_company, viewer, outsider):
    url = reverse(INVOICES)
    login(client, viewer, company)
    mine = client.get(url)
    assert b"ACME France SA" in mine.content
    client.logout()
    login(client, outsider, other_company)
    for _ in range(2):  # computed, then kept
        theirs = client.get(url)
        assert b"Other Company" in theirs.content
        assert b"ACME France SA" not in theirs.content
        assert theirs.wsgi_request.company == other_company


def test_switching_company_shows_the_chosen_one(client, company, country):
    second = CompanyFactory(country=country, name="Second Site SARL")
    user = member(company, role=Role.VIEWER, email="both@acme.test")
    Membership.objects.create(user=user, company=second)
    for app in second.country.apps:
        Authorization.objects.create(
            user=user, company=second, app=app, role=Role.VIEWER, status="granted"
        )
    login(client, user, company)
    url = reverse(INVOICES)
    assert client.get(url).wsgi_request.company == company
    client.post(reverse("portal:switch_company"), {"company": second.pk})
    response = client.get(url)
    assert response.wsgi_request.company == second
    assert b"selected>Second Site SARL" in response.content


def test_a_renamed_company_shows_on_the_next_request(viewer_client, company):
    url = reverse(INVOICES)
    viewer_client.get(url)
    company.name = "ACME Renamed SA"
    company.save()
    assert b"ACME Renamed SA" in viewer_client.get(url).content


def test_a_deactivated_user_is_signed_out_on_the_next_request(viewer_client, viewer):
    url = reverse(INVOICES)
    assert viewer_client.get(url).status_code == 200
    viewer.is_active = False
    viewer.save()
    response = viewer_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_password_change_ends_other_sessions_on_their_next_request(
    viewer_client, viewer, company
):
    url = reverse(INVOICES)
    assert viewer_client.get(url).status_code == 200
    viewer.set_password("a-new-long-password-123")
    viewer.save()
    response = viewer_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_ended_sessions_end_on_their_next_request(client, viewer, company):
    from django.test import Client

    other = login(Client(), viewer, company)
    this = login(client, viewer, company)
    url = reverse(INVOICES)
    assert other.get(url).status_code == 200
    response = this.get(url)
    user_end_other_sessions(user=viewer, request=response.wsgi_request)
    assert other.get(url).status_code == 302


def test_the_kept_entry_holds_no_password_hash(viewer_client, viewer):
    from django.core.cache import cache

    from portal.identity import _entry_key

    viewer_client.get(reverse(INVOICES))
    tokens, identity = cache.get(_entry_key(viewer.pk))
    assert "password" not in identity.user.__dict__
    assert identity.user.check_password("not-the-password") is False  # loaded when needed
