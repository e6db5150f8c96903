"""The "Customer service agent" group: exactly what agents need in the admin, no superuser.

Agents see users without changing them (user administration: passwords, e-mail,
staff rights, is for superusers), look after companies, sites, memberships, authorizations and help
contacts, read the outbox, answer requests, keep orders, draft contracts and the
installed base; back-office documents (invoices, credit notes, payments) are
view-only and nothing is deleted. The set is listed permission by permission (a
new model gets no right until it is added here and to a migration) and applied by
the data migrations and after every `migrate` (post_migrate).
"""

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models import Q, QuerySet

AGENT_GROUP = "Customer service agent"

# (app label, codename): exactly what agents' work needs. Documents from the back-office
# (invoices, credit notes, payments, statements) are view-only; nothing is ever deleted;
# customers' own reports and calendar feeds are seen, not changed.
AGENT_PERMISSIONS: frozenset[tuple[str, str]] = frozenset(
    [("portal", code) for code in (
        "view_user",
        "view_company", "change_company",
        "view_site", "add_site", "change_site",
        "view_membership", "add_membership", "change_membership",
        "view_authorization", "change_authorization",
        "view_authorizationevent",
        "view_helpcontact", "add_helpcontact", "change_helpcontact",
        "view_notification", "view_job",
        "view_country",
    )]
    + [("requests_inbox", code) for code in (
        "view_request", "change_request",
        "view_message", "view_statuschange", "view_inboundemail",
        "view_cannedanswer", "add_cannedanswer", "change_cannedanswer",
    )]
    + [("orders", code) for code in (
        "view_order", "add_order", "change_order",
        "view_orderline", "add_orderline", "change_orderline",
        "view_shipment", "add_shipment", "change_shipment",
        "view_carrier", "add_carrier", "change_carrier",
        "view_orderstatuschange",
        "view_savedreport", "view_reportschedule",
    )]
    + [("invoices", code) for code in (
        "view_billingaccount", "view_invoice", "view_invoiceline", "view_invoiceevent",
        "view_sharelink",
    )]
    + [("statements", code) for code in (
        "view_creditnote", "view_creditnoteline", "view_payment", "view_paymentallocation",
        "view_ledgerentry",
    )]
    + [("contracts", code) for code in (
        "view_contract", "add_contract", "change_contract",
        "view_contractversion", "view_approvalstep", "view_signature", "view_contractevent",
        "view_signingauthority", "add_signingauthority", "change_signingauthority",
        "view_calendarfeed", "view_approvalpolicy",
    )]
    + [("inventory", code) for code in (
        "view_installeditem", "add_installeditem", "change_installeditem",
        "view_itemhistory",
        "view_changerequest", "change_changerequest",
    )]
)  # fmt: skip

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
    query = Q()
    for app_label, codename in AGENT_PERMISSIONS:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return sorted(Permission.objects.filter(query).values_list("pk", flat=True))


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
