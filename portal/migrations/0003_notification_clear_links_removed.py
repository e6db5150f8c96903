"""Rows written before links were made at send time kept them in clear: remove them.

A row still waiting with such a link cannot be sent any more (the link is gone): it is
marked failed, and the person asks again (a new reset, a new verification, a new copy).
"""

import re

from django.db import migrations

CLEAR_LINK = re.compile(
    r"https?://[^\s\"'<>]*/(?:accounts/password/reset/key|accounts/confirm-email|invoices/shared)"
    r"/[^\s\"'<>]*"
)
REMOVED = "[link removed from the outbox]"


def remove_clear_links(apps, schema_editor):
    Notification = apps.get_model("portal", "Notification")
    for row in Notification.objects.filter(template__in=["allauth", "invoices_copy_link"]):
        context = dict(row.context)
        for name, value in row.context.items():
            if isinstance(value, str):
                context[name] = CLEAR_LINK.sub(REMOVED, value)
        if context == row.context:
            continue
        row.context = context
        fields = ["context"]
        if row.status in ("pending", "sending"):
            row.status = "failed"
            row.last_error = "A link with a token was kept in clear; removed, not sent."
            fields += ["status", "last_error"]
        row.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_customer_service_agent_group")]

    operations = [migrations.RunPython(remove_clear_links, migrations.RunPython.noop)]
