"""Agents confined on users (issue 14, item 3).

An agent (staff, not superuser) used to set any user's password in the admin, sign in
as them and enrol their TOTP. Agents now see users read-only: no password, e-mail,
staff or superuser change, permission by permission; user administration is for
superusers (behind MFA like the whole admin), and each of their changes to a user is a
security event.
"""

import json
import logging

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from portal.agents import make_agent
from portal.models import User
from tests.conftest import login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TAKEOVER = "Taken-over-2026!"


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def agent():
    user = UserFactory(email="agent@cs.test")
    make_agent([user])
    return _with_totp(user)


@pytest.fixture
def superuser():
    return _with_totp(UserFactory(email="root@cs.test", is_staff=True, is_superuser=True))


@pytest.fixture
def agent_client(agent):
    return login_agent(Client(), agent)


@pytest.fixture(params=["customer", "superuser"])
def victim(request, superuser):
    if request.param == "superuser":
        return superuser
    return UserFactory(email="customer@acme.test")


def _form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "notification_prefs": "{}",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_agent_cannot_set_a_users_password(agent_client, victim):
    url = reverse("admin:auth_user_password_change", args=[victim.pk])
    assert agent_client.get(url).status_code == 403
    response = agent_client.post(
        url, {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"}
    )
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and not victim.check_password(TAKEOVER)
    attacker = Client()
    assert not attacker.login(email=victim.email, password=TAKEOVER)


def test_an_agent_cannot_change_a_users_email(agent_client, victim):
    url = reverse("admin:portal_user_change", args=[victim.pk])
    before = victim.email
    response = agent_client.post(url, _form(victim, email="attacker@evil.test"))
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.email == before
    assert not User.objects.filter(email="attacker@evil.test").exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_an_agent_cannot_grant_staff_or_superuser(agent_client, flag):
    customer = UserFactory(email="customer@acme.test")
    url = reverse("admin:portal_user_change", args=[customer.pk])
    response = agent_client.post(url, _form(customer, **{flag: "on"}))
    assert response.status_code == 403
    customer.refresh_from_db()
    assert not customer.is_staff and not customer.is_superuser


def test_an_agent_cannot_add_or_delete_users(agent_client):
    customer = UserFactory(email="customer@acme.test")
    assert agent_client.get(reverse("admin:portal_user_add")).status_code == 403
    response = agent_client.post(
        reverse("admin:portal_user_add"),
        {"email": "new@evil.test", "password1": TAKEOVER, "password2": TAKEOVER},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@evil.test").exists()
    delete = reverse("admin:portal_user_delete", args=[customer.pk])
    assert agent_client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=customer.pk).exists()


def test_an_agent_still_sees_users_read_only(agent_client):
    customer = UserFactory(email="customer@acme.test", first_name="Camille")
    listing = agent_client.get(reverse("admin:portal_user_changelist"))
    assert listing.status_code == 200 and "customer@acme.test" in listing.text
    page = agent_client.get(reverse("admin:portal_user_change", args=[customer.pk]))
    assert page.status_code == 200 and "Camille" in page.text
    assert 'name="email"' not in page.text and 'name="is_staff"' not in page.text
    assert "../password/" not in page.text  # no "Reset password" button that is not theirs


def test_a_superuser_administers_users_and_each_change_is_a_security_event(superuser, caplog):
    customer = UserFactory(email="customer@acme.test")
    admin = login_agent(Client(), superuser)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        response = admin.post(
            reverse("admin:auth_user_password_change", args=[customer.pk]),
            {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"},
        )
        assert response.status_code == 302
        response = admin.post(
            reverse("admin:portal_user_change", args=[customer.pk]),
            _form(customer, email="renamed@acme.test"),
        )
        assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "renamed@acme.test" and customer.check_password(TAKEOVER)
    events = [r for r in caplog.records if r.name == "portal.security"]
    changed = [r for r in events if r.event == "admin_user_changed"]
    assert len(changed) == 2
    assert all(r.target_user_id == customer.pk and r.user_id == superuser.pk for r in changed)
    assert any("E-mail address" in r.changed or "email" in r.changed for r in changed)
    logged = json.dumps([r.__dict__.get("changed") for r in events])
    assert TAKEOVER not in logged and "renamed@acme.test" not in logged


# A user's e-mail addresses and second factors (allauth's own admin pages) are user
# administration too: an address of the attacker's made verified and primary, then a
# password reset, takes the account over; so does removing the victim's second factor.


@pytest.fixture
def agent_with_extra_rights(agent):
    """An agent whom someone also gave allauth's permissions through another group."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Too generous")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["account", "mfa", "portal"],
            codename__in=[
                "add_user",
                "change_user",
                "delete_user",
                "view_emailaddress",
                "add_emailaddress",
                "change_emailaddress",
                "delete_emailaddress",
                "view_authenticator",
                "change_authenticator",
                "delete_authenticator",
            ],
        )
    )
    agent.groups.add(group)
    return agent


def test_an_agent_cannot_give_himself_a_users_address_or_remove_their_second_factor(
    agent_with_extra_rights, victim
):
    from allauth.account.models import EmailAddress

    client = login_agent(Client(), agent_with_extra_rights)
    own = EmailAddress.objects.get(user=victim, email=victim.email)  # the ID's own address
    if not victim.is_superuser:  # the superuser fixture has a TOTP already
        _with_totp(victim)
    factor = Authenticator.objects.get(user=victim)

    added = client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": victim.pk, "email": "attacker@evil.test", "verified": "on", "primary": "on"},
    )
    assert added.status_code == 403
    changed = client.post(
        reverse("admin:account_emailaddress_change", args=[own.pk]),
        {"user": victim.pk, "email": "attacker@evil.test", "verified": "on", "primary": "on"},
    )
    assert changed.status_code == 403
    assert not EmailAddress.objects.filter(email="attacker@evil.test").exists()
    own.refresh_from_db()
    assert own.email == victim.email

    page = reverse("admin:mfa_authenticator_change", args=[factor.pk])
    assert client.get(page).status_code == 403
    delete = reverse("admin:mfa_authenticator_delete", args=[factor.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=factor.pk).exists()
    assert client.get(reverse("admin:index")).status_code == 200
    assert "emailaddress" not in client.get(reverse("admin:index")).text


def test_a_superuser_changing_an_address_or_a_second_factor_is_a_security_event(superuser, caplog):
    from allauth.account.models import EmailAddress

    customer = _with_totp(UserFactory(email="customer@acme.test"))
    address = EmailAddress.objects.get(user=customer, email=customer.email)
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    factor = Authenticator.objects.get(user=customer)
    admin = login_agent(Client(), superuser)

    shown = admin.get(reverse("admin:mfa_authenticator_change", args=[factor.pk]))
    assert shown.status_code == 200 and '"secret"' not in shown.text  # never the secret
    with caplog.at_level(logging.INFO, logger="portal.security"):
        response = admin.post(
            reverse("admin:account_emailaddress_changelist"),
            {"action": "make_verified", "_selected_action": [address.pk]},
        )
        assert response.status_code == 302
        response = admin.post(
            reverse("admin:mfa_authenticator_delete", args=[factor.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified and not Authenticator.objects.filter(pk=factor.pk).exists()
    events = [
        (r.part, r.__dict__.get("action", "changed"))
        for r in caplog.records
        if r.name == "portal.security"
        and r.event == "admin_user_changed"
        and r.target_user_id == customer.pk
        and r.user_id == superuser.pk
    ]
    assert events == [("email_address", "changed"), ("second_factor", "deleted")]


def test_user_rights_held_by_a_group_do_not_let_an_agent_take_an_account_over(
    agent_with_extra_rights, victim
):
    """User administration is for superusers whatever a group holds."""
    client = login_agent(Client(), agent_with_extra_rights)
    url = reverse("admin:auth_user_password_change", args=[victim.pk])
    response = client.post(
        url, {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"}
    )
    assert response.status_code == 403
    change = reverse("admin:portal_user_change", args=[victim.pk])
    response = client.post(change, _form(victim, email="attacker@evil.test", is_superuser="on"))
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and victim.email != "attacker@evil.test"
    customer = UserFactory(email="other@acme.test")
    delete = reverse("admin:portal_user_delete", args=[customer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
