"""PostgreSQL only: trigram indexes for the search by serial, machine type, model, product."""

from django.db import migrations

from portal.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_alter_installeditem_options")]

    operations = [
        trigram_indexes(
            "inventory_installeditem",
            ["serial_number", "machine_type", "model", "product", "description"],
        )
    ]
