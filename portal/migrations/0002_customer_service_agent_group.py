"""Create the "Customer service agent" group with its permissions.

Permissions are normally created after migrations (post_migrate); they are
created here first so the group gets them on a fresh database. Models of the
applications migrated later are added by 0008, once they are all migrated. The
group name and portal's permissions are frozen here: a migration imports no
application code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT_GROUP = "Customer service agent"

PORTAL_PERMISSIONS = [
    "view_user", "view_company", "change_company",
    "view_site", "add_site", "change_site",
    "view_membership", "add_membership", "change_membership",
    "view_authorization", "change_authorization", "view_authorizationevent",
    "view_helpcontact", "add_helpcontact", "change_helpcontact",
    "view_notification", "view_country",
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=AGENT_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="portal", codename__in=PORTAL_PERMISSIONS
        )
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=AGENT_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
