"""The agents' admin: allauth sign-in, MFA required for staff, the agent group's exact rights."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from portal.agents import AGENT_GROUP, ensure_agent_group, make_agent
from portal.applications import App
from portal.models import Authorization, Company
from tests.conftest import login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agent():
    user = UserFactory(email="agent@supplier.test")
    make_agent([user])
    TOTP.activate(user, generate_totp_secret())
    return user


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/agents/"


def test_admin_login_next_to_another_host_is_ignored(client, agent):
    login_agent(client, agent)
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert response["Location"] == reverse("admin:index")


def test_customer_user_gets_no_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_staff_without_mfa_is_sent_to_mfa_setup(client):
    staff = UserFactory()
    make_agent([staff])
    client.force_login(staff)
    response = client.get(reverse("admin:portal_company_changelist"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert any(reverse("mfa_activate_totp") in url for url, _ in response.redirect_chain)


def test_staff_with_mfa_is_asked_for_the_code_at_sign_in(client, agent):
    response = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_agent_with_mfa_works_in_the_admin_within_the_group_rights(client, agent, company):
    login_agent(client, agent)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:portal_authorization_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_company_change", args=[company.pk])).status_code == 200
    assert client.get(reverse("admin:portal_company_delete", args=[company.pk])).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_country_add")).status_code == 403


def test_agent_approves_and_refuses_requests_with_admin_actions(
    client, agent, company, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    a = Authorization.objects.create(user=first, company=company, app=App.ORDERS)
    b = Authorization.objects.create(user=second, company=company, app=App.ORDERS)
    login_agent(client, agent)
    url = reverse("admin:portal_authorization_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "approve", "_selected_action": [a.pk]})
        client.post(url, {"action": "refuse", "_selected_action": [b.pk]})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.decided_by) == ("granted", agent)
    assert (b.status, b.decided_by) == ("rejected", agent)
    assert a.events.get().action == "granted" and b.events.get().action == "refused"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])


def test_agent_group_has_exactly_the_permissions_agents_need():
    group = ensure_agent_group()
    assert group.name == AGENT_GROUP
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("portal", "change_authorization") in codenames
    assert ("portal", "view_notification") in codenames
    assert ("portal", "change_notification") not in codenames
    assert ("invoices", "change_invoice") not in codenames
    assert ("requests_inbox", "change_request") in codenames
    assert not any(code.startswith("delete_") for _app, code in codenames)
    assert not any(app == "auth" for app, _code in codenames)
    again = ensure_agent_group()
    assert again.pk == group.pk and again.permissions.count() == group.permissions.count()


def test_seed_demo_makes_the_agent_a_group_member_without_superuser():
    from portal.demo import seed_platform

    world = seed_platform()
    agent = world.users["agent@supplier.example"]
    assert agent.is_staff and not agent.is_superuser
    assert agent.groups.filter(name=AGENT_GROUP).exists()
    assert Company.objects.count() >= 4
    seed_platform()
    assert agent.groups.count() == 1


def test_agent_cannot_make_anyone_staff_or_superuser(client, agent):
    customer = UserFactory(email="customer@acme.test")
    login_agent(client, agent)
    url = reverse("admin:portal_user_change", args=[customer.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    client.post(
        url,
        {
            "email": customer.email,
            "first_name": "C",
            "last_name": "U",
            "preferred_language": "en",
            "notification_prefs": "{}",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    customer.refresh_from_db()
    assert customer.first_name != "C"  # agents see users read-only (issue 14)
    assert not customer.is_staff and not customer.is_superuser


def test_agent_changes_an_authorization_only_through_actions(client, agent, company):
    auth = Authorization.objects.create(user=UserFactory(), company=company, app=App.ORDERS)
    login_agent(client, agent)
    page = client.get(reverse("admin:portal_authorization_change", args=[auth.pk])).content
    # the admin's form has no role or status field; the decision form (role chosen at
    # approval, through the service) is the only way
    assert b'id="id_role"' not in page and b'name="status"' not in page
    assert b'id="decision-role"' in page


def test_mfa_code_completes_the_sign_in(client):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    staff = UserFactory(email="staff@supplier.test")
    make_agent([staff])
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_agent_group_is_created_by_the_migrations():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=AGENT_GROUP)  # the data migration, no seeding
    assert group.permissions.filter(codename="change_authorization").exists()


def test_new_staff_enrol_totp_right_after_sign_in_without_typing_the_password_again(client):
    """The admin used to send a freshly signed-in agent to "confirm your password" first."""
    staff = UserFactory(email="new-agent@supplier.test")
    make_agent([staff])
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"), follow=True)
    urls = [url for url, _status in response.redirect_chain]
    assert any(reverse("mfa_activate_totp") in url for url in urls)
    assert not any(reverse("account_reauthenticate") in url for url in urls)
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
