"""E-mail opt-ins (true/false per event) become channels: true keeps the e-mail and adds
the notification centre ("both"), false stays off ("none"). Reversible."""

from django.db import migrations


def to_channels(apps, schema_editor):
    User = apps.get_model("portal", "User")
    for user in User.objects.exclude(notification_prefs={}).only("pk", "notification_prefs"):
        prefs = dict(user.notification_prefs or {})
        changed = False
        for event, value in prefs.items():
            if value is True or value is False:
                prefs[event] = "both" if value else "none"
                changed = True
        if changed:
            User.objects.filter(pk=user.pk).update(notification_prefs=prefs)


def to_booleans(apps, schema_editor):
    User = apps.get_model("portal", "User")
    for user in User.objects.exclude(notification_prefs={}).only("pk", "notification_prefs"):
        prefs = {
            event: value in ("both", "email") if isinstance(value, str) else value
            for event, value in (user.notification_prefs or {}).items()
        }
        User.objects.filter(pk=user.pk).update(notification_prefs=prefs)


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_notification_centre")]

    operations = [migrations.RunPython(to_channels, to_booleans)]
