"""The ledger view, cheaper to read.

One lookup per invoice for what settled it; the credited invoice's number looked
up per credit note (no join over every invoice); `document_status`, the status of
credit notes and payments (NULL for invoices), lets a page list lines without
computing what is open on every invoice of the period.
"""

from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("statements.migrations.0002_ledger_entry_view").CREATE

CREATE = """
CREATE VIEW statements_ledger_entry AS
SELECT
    'I' || CAST(i.id AS VARCHAR(20)) AS id,
    'invoice' AS kind,
    1 AS kind_rank,
    i.id AS source_id,
    i.company_id AS company_id,
    i.billing_account_id AS billing_account_id,
    i.currency AS currency,
    i.issue_date AS date,
    i.due_date AS due_date,
    i.number AS number,
    i.po_number AS reference,
    i.total AS debit,
    CAST(0 AS NUMERIC(14, 2)) AS credit,
    i.total AS signed_amount,
    i.open_amount AS open_amount,
    CASE WHEN i.open_amount > 0.005 THEN 'open' ELSE 'paid' END AS status,
    CAST(NULL AS TEXT) AS document_status,
    i.updated_at AS updated_at
FROM (
    SELECT
        inv.id, inv.company_id, inv.billing_account_id, inv.currency, inv.issue_date,
        inv.due_date, inv.number, inv.po_number, inv.total, inv.updated_at,
        inv.total - COALESCE((
            SELECT SUM(settled.amount) FROM (
                SELECT a.amount AS amount
                FROM statements_paymentallocation a
                INNER JOIN statements_payment p ON p.id = a.payment_id
                WHERE a.invoice_id = inv.id AND p.status = 'received'
                UNION ALL
                SELECT c.amount AS amount
                FROM statements_creditnote c
                WHERE c.invoice_id = inv.id
            ) settled
        ), 0) AS open_amount
    FROM invoices_invoice inv
) i
UNION ALL
SELECT
    'C' || CAST(c.id AS VARCHAR(20)),
    'credit_note',
    2,
    c.id,
    c.company_id,
    c.billing_account_id,
    c.currency,
    c.date,
    NULL,
    c.number,
    COALESCE((SELECT ci.number FROM invoices_invoice ci WHERE ci.id = c.invoice_id), ''),
    CAST(0 AS NUMERIC(14, 2)),
    c.amount,
    -c.amount,
    NULL,
    CASE WHEN c.invoice_id IS NULL THEN 'open' ELSE 'paid' END,
    CASE WHEN c.invoice_id IS NULL THEN 'open' ELSE 'paid' END,
    c.updated_at
FROM statements_creditnote c
UNION ALL
SELECT
    'P' || CAST(p.id AS VARCHAR(20)),
    'payment',
    3,
    p.id,
    p.company_id,
    p.billing_account_id,
    p.currency,
    p.date,
    NULL,
    p.reference,
    '',
    CAST(0 AS NUMERIC(14, 2)),
    p.amount,
    CASE WHEN p.status = 'received' THEN -p.amount ELSE CAST(0 AS NUMERIC(14, 2)) END,
    NULL,
    CASE WHEN p.status = 'received' THEN 'paid' ELSE 'pending' END,
    CASE WHEN p.status = 'received' THEN 'paid' ELSE 'pending' END,
    p.updated_at
FROM statements_payment p
"""


class Migration(migrations.Migration):
    dependencies = [("statements", "0002_ledger_entry_view")]

    operations = [
        migrations.AlterModelOptions(
            name="ledgerentry",
            options={
                "managed": False,
                "ordering": ["date", "kind_rank", "source_id"],
                "verbose_name": "ledger entry",
                "verbose_name_plural": "ledger entries",
            },
        ),
        migrations.RunSQL(
            ["DROP VIEW IF EXISTS statements_ledger_entry", CREATE],
            ["DROP VIEW IF EXISTS statements_ledger_entry", PREVIOUS],
        )
    ]
