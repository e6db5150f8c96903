"""PostgreSQL only: trigram indexes so the case-insensitive order and PO number search
(contains, any case) and the guest lookup (any case) use an index."""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


# Frozen copy of portal.search_indexes.trigram_indexes (a migration imports no application code).
def trigram_indexes(table: str, columns: list[str]) -> migrations.RunPython:
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
    dependencies = [("orders", "0003_order_number_upper_index")]

    operations = [trigram_indexes("orders_order", ["number", "customer_po"])]
