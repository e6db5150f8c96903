"""Create the "Customer service agent" group with its permissions.

Permissions are normally created after migrations (post_migrate); they are
created here first so the group gets them on a fresh database. Models of the
applications migrated later are added by `seed_demo` (ensure_agent_group).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    from portal.agents import ensure_agent_group

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_agent_group(apps)


def backwards(apps, schema_editor):
    from portal.agents import AGENT_GROUP

    apps.get_model("auth", "Group").objects.filter(name=AGENT_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
