"""The "Customer service agent" group gets exactly the narrow set its work needs.

0002 gave agents every permission of the applications but delete (they could move
an invoice to another company, approve a disputed one, edit a signed contract).
The set is frozen here, permission by permission, as it was decided.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

AGENT_GROUP = "Customer service agent"

PERMISSIONS = {
    "portal": [
        "view_user", "view_company", "change_company",
        "view_site", "add_site", "change_site",
        "view_membership", "add_membership", "change_membership",
        "view_authorization", "change_authorization", "view_authorizationevent",
        "view_helpcontact", "add_helpcontact", "change_helpcontact",
        "view_notification", "view_job", "view_country",
    ],
    "requests_inbox": [
        "view_request", "change_request", "view_message", "view_statuschange",
        "view_inboundemail",
    ],
    "orders": [
        "view_order", "add_order", "change_order",
        "view_orderline", "add_orderline", "change_orderline",
        "view_shipment", "add_shipment", "change_shipment",
        "view_carrier", "add_carrier", "change_carrier",
        "view_orderstatuschange", "view_savedreport", "view_reportschedule",
    ],
    "invoices": [
        "view_billingaccount", "view_invoice", "view_invoiceline", "view_invoiceevent",
        "view_sharelink",
    ],
    "statements": [
        "view_creditnote", "view_creditnoteline", "view_payment", "view_paymentallocation",
        "view_ledgerentry",
    ],
    "contracts": [
        "view_contract", "add_contract", "change_contract",
        "view_contractversion", "view_approvalstep", "view_signature", "view_contractevent",
        "view_signingauthority", "add_signingauthority", "change_signingauthority",
        "view_calendarfeed",
    ],
    "inventory": [
        "view_installeditem", "add_installeditem", "change_installeditem",
        "view_itemhistory", "view_changerequest", "change_changerequest",
    ],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    query = Q()
    for app_label, codenames in PERMISSIONS.items():
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    group, _created = Group.objects.get_or_create(name=AGENT_GROUP)
    group.permissions.set(Permission.objects.filter(query))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_company_report_email_domains"),
        ("requests_inbox", "0003_list_indexes"),
        ("orders", "0002_list_indexes"),
        ("invoices", "0002_totals_covering_index"),
        ("statements", "0003_ledger_entry_view_faster"),
        ("contracts", "0005_amendment_statuses"),
        ("inventory", "0004_search_text"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
