"""The agent group's rights, permission by permission, and the admin guard on every ModelAdmin."""

import importlib

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from portal.admin_guards import GuardedAdminMixin
from portal.admin_tenancy import tenant_keys
from portal.agents import AGENT_GROUP, AGENT_PERMISSIONS, make_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

APPS = ["portal", "requests_inbox", "orders", "invoices", "statements", "contracts", "inventory"]
# What agents add or change; everything else of the applications is view-only, nothing is
# ever deleted. Invoices, credit notes and payments come from the back-office.
ADD_CHANGE = {
    "portal.site",
    "portal.membership",
    "portal.helpcontact",
    "orders.order",
    "orders.orderline",
    "orders.shipment",
    "orders.carrier",
    "contracts.contract",
    "contracts.signingauthority",
    "inventory.installeditem",
    "requests_inbox.cannedanswer",
}
# Users: seen, never changed (passwords, e-mail and staff rights are for superusers).
CHANGE_ONLY = {
    "portal.company",
    "portal.authorization",
    "requests_inbox.request",
    "inventory.changerequest",
}
# A user's own notification-centre entries are hers alone (agents see the e-mail outbox).
NOTHING = {"portal.storedfile", "requests_inbox.requestread", "portal.notificationentry"}


def expected(app_label: str, codename: str) -> bool:
    action, model = codename.split("_", 1)
    label = f"{app_label}.{model}"
    if label in NOTHING or action == "delete":
        return False
    if action == "view":
        return True
    if action == "add":
        return label in ADD_CHANGE
    if action == "change":
        return label in ADD_CHANGE | CHANGE_ONLY
    return False


def all_permissions():
    """Permissions of the models that exist (a removed model's stale rows grant nothing)."""
    return [
        (p.content_type.app_label, p.codename)
        for p in Permission.objects.filter(content_type__app_label__in=APPS).select_related(
            "content_type"
        )
        if p.content_type.model_class() is not None
    ]


def test_every_permission_of_the_applications_is_decided():
    """Permission by permission: the group holds exactly the rights the rule above grants."""
    permission_list = sorted(all_permissions())
    assert len(permission_list) > 100
    for app_label, codename in permission_list:
        assert ((app_label, codename) in AGENT_PERMISSIONS) == expected(app_label, codename), (
            app_label,
            codename,
        )


@pytest.mark.parametrize(
    "perm",
    [
        "invoices.change_invoice",
        "invoices.add_invoice",
        "invoices.change_invoiceline",
        "statements.change_payment",
        "statements.add_creditnote",
        "statements.change_paymentallocation",
        "requests_inbox.delete_request",
        "requests_inbox.change_message",
        "portal.change_notification",
        "portal.delete_user",
        "auth.change_group",
        "auth.change_permission",
        "contracts.change_signature",
        "contracts.change_contractversion",
        "orders.change_savedreport",
    ],
)
def test_agents_lack_the_rights_that_would_corrupt_records(perm):
    agent = UserFactory()
    make_agent([agent])
    assert not agent.has_perm(perm)


def test_the_migrations_give_the_group_the_narrow_set():
    """No seeding: the group as the migrations (and post_migrate) leave it."""
    group = Group.objects.get(name=AGENT_GROUP)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(AGENT_PERMISSIONS)
    frozen = importlib.import_module("portal.migrations.0008_agent_group_narrow_permissions")
    macros = importlib.import_module("requests_inbox.migrations.0006_agents_use_canned_answers")
    policy = importlib.import_module("contracts.migrations.0007_agents_view_approval_policy")
    assert {(a, c) for a, codes in frozen.PERMISSIONS.items() for c in codes} | {
        ("requests_inbox", c) for c in macros.CODENAMES
    } | {("contracts", c) for c in policy.CODENAMES} == granted


def registered():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS and model._meta.label != "portal.User"
    ]


def test_every_agents_model_admin_uses_the_guard():
    """Version check, audit with values and read-only tenant key on every change form."""
    missing = [m._meta.label for m, a in registered() if not isinstance(a, GuardedAdminMixin)]
    assert missing == []


def test_the_company_of_an_existing_record_is_read_only_for_everyone(django_user_model):
    root = django_user_model.objects.create_superuser(email="root@cs.test", password="x-Pw-1234")
    request = RequestFactory().get("/")
    request.user = root
    checked = 0
    for model, model_admin in registered():
        keys = tenant_keys(model)
        if not keys:
            continue
        readonly = model_admin.get_readonly_fields(request, model())
        assert set(keys) <= set(readonly), model._meta.label
        checked += 1
        for inline in model_admin.get_inline_instances(request, model()):
            inline_keys = [k for k in tenant_keys(inline.model) if k != inline.fk_name]
            shown = inline.get_fields(request, model())
            assert not set(inline_keys) & (
                set(shown) - set(inline.get_readonly_fields(request, model()))
            ) or not inline.has_change_permission(request, model()), inline
    assert checked >= 12
