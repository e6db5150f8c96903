"""Agents see the companies' approval policies (the company administrator sets them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT_GROUP = "Customer service agent"
CODENAMES = ["view_approvalpolicy"]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("contracts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=AGENT_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="contracts", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0006_approval_policy"),
        ("portal", "0008_agent_group_narrow_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
