"""The "Customer service agent" group: exactly what agents need in the admin, no superuser.

Agents look after companies, sites, memberships, authorizations and help contacts
(view + change, add where they create data), see users without changing them (user
administration: passwords, e-mail, staff rights, is for superusers), read the outbox, and work
in every application (all permissions of the apps except delete). The application
permissions are computed from ContentType at call time, so a new model of an app
is picked up the next time this runs (data migration, `seed_demo`).
"""

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models import QuerySet

AGENT_GROUP = "Customer service agent"

PORTAL_PERMISSIONS = [
    "view_user",
    "view_company",
    "change_company",
    "view_site",
    "add_site",
    "change_site",
    "view_membership",
    "add_membership",
    "change_membership",
    "view_authorization",
    "change_authorization",
    "view_authorizationevent",
    "view_helpcontact",
    "add_helpcontact",
    "change_helpcontact",
    "view_notification",
    "view_country",
]

APPLICATION_LABELS = [
    "requests_inbox",
    "orders",
    "invoices",
    "statements",
    "contracts",
    "inventory",
]


def agent_permission_ids(apps=global_apps) -> list[int]:
    Permission = apps.get_model("auth", "Permission")
    portal = Permission.objects.filter(
        content_type__app_label="portal", codename__in=PORTAL_PERMISSIONS
    )
    applications = Permission.objects.filter(
        content_type__app_label__in=APPLICATION_LABELS
    ).exclude(codename__startswith="delete_")
    return sorted(
        {*portal.values_list("pk", flat=True), *applications.values_list("pk", flat=True)}
    )


def ensure_agent_group(apps=global_apps):
    """Create or update the group (idempotent); its permissions are set exactly."""
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=AGENT_GROUP)
    group.permissions.set(agent_permission_ids(apps))
    return group


def agent_users() -> QuerySet:
    """Active staff members of the agent group (they decide when a company has no admin)."""
    from portal.models import User

    return User.objects.filter(is_active=True, is_staff=True, groups__name=AGENT_GROUP).distinct()


def make_agent(users: Iterable) -> None:
    group = ensure_agent_group()
    for user in users:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
