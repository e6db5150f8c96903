"""PostgreSQL only: trigram indexes so the list's word search (UPPER(col) LIKE '%w%')
uses an index instead of scanning every contract of the company. Elsewhere, or when
the role may not create the pg_trgm extension, the search works without them."""

import logging

from django.db import migrations

log = logging.getLogger(__name__)

COLUMNS = ["number", "title", "supplier_owner", "renewal_terms"]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT contracts_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT contracts_trgm")
        except Exception as exc:  # no privilege: the search still works, unindexed
            cursor.execute("ROLLBACK TO SAVEPOINT contracts_trgm")
            log.warning("pg_trgm unavailable, contract search stays unindexed: %s", exc)
            return
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS contract_trgm_{column} ON contracts_contract "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS contract_trgm_{column}")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_sort_indexes")]

    operations = [migrations.RunPython(create, drop)]
