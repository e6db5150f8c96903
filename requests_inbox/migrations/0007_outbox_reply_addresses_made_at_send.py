"""Rows written before the request reply address was made at send time kept its token in
clear in their Reply-To header: a row still waiting gets the made-at-send recipe (the
tracking number only) and a placeholder; a row already sent or failed loses the header."""

import re
import secrets

from django.db import migrations

TOKENED = re.compile(r"\+(cs-\d{4}-\d{6,})\.[0-9a-f]+@", re.IGNORECASE)
KIND = "requests_inbox.reply_address"  # requests_inbox.services.REPLY_ADDRESS
MADE_AT_SEND = "made_at_send"  # portal.notify.MADE_AT_SEND


def reply_addresses_made_at_send(apps, schema_editor):
    Notification = apps.get_model("portal", "Notification")
    for row in Notification.objects.filter(headers__has_key="Reply-To").iterator():
        match = TOKENED.search(str(row.headers.get("Reply-To", "")))
        if not match:
            continue
        headers = dict(row.headers)
        context = dict(row.context)
        if row.status in ("pending", "sending") and MADE_AT_SEND not in context:
            marker = f"made-at-send-{secrets.token_hex(8)}-reply_to"
            context[MADE_AT_SEND] = {
                "kind": KIND,
                "names": ["reply_to"],
                "ref": {"number": match.group(1).upper()},
                "placeholders": {"reply_to": marker},
            }
            headers["Reply-To"] = marker
        else:
            headers.pop("Reply-To")
        row.headers = headers
        row.context = context
        row.save(update_fields=["headers", "context"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_time_zones"),
        ("requests_inbox", "0006_agents_use_canned_answers"),
    ]

    operations = [migrations.RunPython(reply_addresses_made_at_send, migrations.RunPython.noop)]
