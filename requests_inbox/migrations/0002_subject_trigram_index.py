"""PostgreSQL only: a trigram index so the subject word search (icontains) does not scan.

Django's icontains is `UPPER(subject::text) LIKE UPPER(%s)` on PostgreSQL: the index is
on that expression. Without the pg_trgm extension (no privilege) the search still works,
only slower; other databases are left alone.
"""

from django.db import migrations, transaction

INDEX = "requests_inbox_request_subject_trgm"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no privilege: keep the plain search
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON requests_inbox_request "
        "USING gin ((UPPER(subject::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("requests_inbox", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
