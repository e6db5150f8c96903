"""Trigram indexes for word searches (icontains), PostgreSQL only, as a migration operation.

Django's icontains is `UPPER(col::text) LIKE UPPER(%s)` on PostgreSQL; a GIN trigram index
on that expression lets a search use an index instead of scanning the company's rows.
Without the pg_trgm extension (no privilege) or on SQLite the search still works, unindexed.

    operations = [trigram_indexes("inventory_installeditem", ["serial_number", "product"])]

This is the one way to add such an index. A migration imports no application code, so
a new migration copies this function in (frozen, as inventory 0003/0004 do); the older
contracts 0004 and requests_inbox 0002 keep their own index names and are not changed.
"""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)


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
