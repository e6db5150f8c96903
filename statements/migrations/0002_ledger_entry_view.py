"""The ledger as a database VIEW: invoices (debit) + credit notes and payments (credit).

Plain SQL that SQLite and PostgreSQL both accept. Only the columns the view
needs are named, so other columns of invoices_invoice can change freely.
"""

from django.db import migrations

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
    i.updated_at AS updated_at
FROM (
    SELECT
        inv.id, inv.company_id, inv.billing_account_id, inv.currency, inv.issue_date,
        inv.due_date, inv.number, inv.po_number, inv.total, inv.updated_at,
        inv.total
        - COALESCE((
            SELECT SUM(a.amount)
            FROM statements_paymentallocation a
            INNER JOIN statements_payment p ON p.id = a.payment_id
            WHERE a.invoice_id = inv.id AND p.status = 'received'
        ), 0)
        - COALESCE((
            SELECT SUM(c.amount) FROM statements_creditnote c WHERE c.invoice_id = inv.id
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
    COALESCE(ci.number, ''),
    CAST(0 AS NUMERIC(14, 2)),
    c.amount,
    -c.amount,
    NULL,
    CASE WHEN c.invoice_id IS NULL THEN 'open' ELSE 'paid' END,
    c.updated_at
FROM statements_creditnote c
LEFT OUTER JOIN invoices_invoice ci ON ci.id = c.invoice_id
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
    p.updated_at
FROM statements_payment p
"""

DROP = "DROP VIEW IF EXISTS statements_ledger_entry"


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("invoices", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
