"""A covering index for the list's totals per currency (PostgreSQL only).

`SUM(total), SUM(total - amount_paid) ... GROUP BY currency` over a company's
whole selection is then an index-only scan. SQLite has no INCLUDE columns, so
the index is created by SQL on PostgreSQL and nothing is done elsewhere.
"""

from django.db import migrations

INDEX = "inv_company_currency_totals"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON invoices_invoice "
            "(company_id, currency) INCLUDE (total, amount_paid)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("invoices", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
