"""PostgreSQL only: trigram indexes for the search by serial, machine type, model, product."""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


def trigram_indexes(table, columns):
    """Frozen copy of the trigram-index operation (a migration imports no application code)."""

    def create(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - no privilege: keep the plain search
            log.warning("pg_trgm unavailable, %s search stays unindexed: %s", table, exc)
            return
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for column in columns:
                schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    return migrations.RunPython(create, drop)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_alter_installeditem_options")]

    operations = [
        trigram_indexes(
            "inventory_installeditem",
            ["serial_number", "machine_type", "model", "product", "description"],
        )
    ]
