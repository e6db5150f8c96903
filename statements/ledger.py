"""Reading the ledger: balances, statement lines with a running balance, ageing.

Everything is computed by the database (the `statements_ledger_entry` view):
the running balance is a window SUM over the period's entries in date order,
the opening balance an aggregate of what came before, the ageing a conditional
aggregation of open invoices. Python only converts values and pages through
results, so a statement costs the same few queries whatever the ledger's size.

Every query is scoped by company, billing account and currency; the company
comes from the request (or the task) and the account was fetched through
`BillingAccount.objects.for_company(company)`.

The one rule for pending items: a payment counts when it is received. A pending
payment (announced, not yet on the supplier's account) is listed on its date with
its amount in the "Pending" column, never in "Credit"; it changes no balance and
no period total, and the period's pending payments are summed apart
(`Totals.pending`). So on every account, period and view (page, PDF, CSV, XLSX)
opening + debits − credits = closing, and the closing of one period is the
opening of the next.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from portal.company_cache import company_cached
from statements.models import LedgerEntry

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
OPEN_THRESHOLD = Decimal("0.005")  # the view's rule: an invoice is open above half a cent

# ?sort= values and the SQL they mean (a whitelist: nothing else reaches ORDER BY).
SORTS = {
    "date": "t.date",
    "number": "t.number",
    "type": "t.kind_rank",
    "due": "t.due_date",
    "debit": "t.debit",
    "credit": "(CASE WHEN t.status = 'pending' THEN 0 ELSE t.credit END)",
    "status": "t.status",
}
DEFAULT_SORT = "date"


def money(value: Any) -> Decimal | None:
    """Exact cents from whatever the driver returns (SQLite gives floats for sums)."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT)


def parse_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class StatementQuery:
    """One statement: whose, which period, which lines."""

    company_id: int
    account_id: int
    currency: str
    start: date
    end: date
    q: str = ""
    kind: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.kind or self.status)

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-") if self.sort.lstrip("-") in SORTS else DEFAULT_SORT

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-") and self.sort_key == self.sort[1:]

    @property
    def in_ledger_order(self) -> bool:
        return self.sort_key == "date" and not self.descending

    def entries(self):
        return LedgerEntry.objects.filter(
            company_id=self.company_id,
            billing_account_id=self.account_id,
            currency=self.currency,
        )


@dataclass
class Line:
    """A statement line as the page, the PDF and the exports show it."""

    kind: str
    source_id: int
    date: date
    due_date: date | None
    number: str
    reference: str
    debit: Decimal
    credit: Decimal
    signed_amount: Decimal
    open_amount: Decimal | None
    status: str
    balance: Decimal
    currency: str = ""
    pending: Decimal = ZERO  # a pending payment's amount: shown apart, not a credit

    @property
    def kind_label(self) -> str:
        return str(LedgerEntry.Kind(self.kind).label)

    @property
    def status_label(self) -> str:
        from django.utils.translation import gettext as _

        labels = {
            ("invoice", "open"): _("Open"),
            ("invoice", "paid"): _("Paid"),
            ("credit_note", "open"): _("Unapplied"),
            ("credit_note", "paid"): _("Applied"),
            ("payment", "paid"): _("Received"),
            ("payment", "pending"): _("Pending"),
        }
        return str(labels.get((self.kind, self.status), self.status))


@dataclass
class Totals:
    """opening + debit − credit = closing, always; `pending` is apart (not in credit)."""

    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    entries: int
    last_change: Any = None
    pending: Decimal = ZERO

    @property
    def version(self) -> str:
        """Changes whenever a document of the statement changes (stored PDFs are keyed on it)."""
        stamp = self.last_change.isoformat() if hasattr(self.last_change, "isoformat") else ""
        return (
            f"{self.entries}:{self.closing}:{self.debit}:{self.credit}:{self.pending}:"
            f"{stamp or self.last_change}"
        )


def totals(query: StatementQuery) -> Totals:
    """Opening balance, period debits/credits and closing balance in one aggregate query
    (it reads the account's history up to the period's end: kept per company, see
    portal.company_cache)."""
    start, end = query.start, query.end
    in_period = Q(date__gte=start)
    pending = Q(kind=LedgerEntry.Kind.PAYMENT, document_status=LedgerEntry.Status.PENDING)
    row = company_cached(
        query.company_id,
        f"statement-totals:v2:{query.account_id}:{query.currency}:{start}:{end}",
        lambda: (
            query.entries()
            .filter(date__lte=end)
            .aggregate(
                opening=Coalesce(Sum("signed_amount", filter=Q(date__lt=start)), ZERO),
                debit=Coalesce(Sum("debit", filter=in_period), ZERO),
                # before `credit`: an aggregate named like a field hides the field
                pending=Coalesce(Sum("credit", filter=in_period & pending), ZERO),
                credit=Coalesce(Sum("credit", filter=in_period & ~pending), ZERO),
                movement=Coalesce(Sum("signed_amount", filter=in_period), ZERO),
                entries=Count("id", filter=in_period),
                last_change=Max("updated_at"),
            )
        ),
    )
    opening = money(row["opening"])
    return Totals(
        opening=opening,
        debit=money(row["debit"]),
        credit=money(row["credit"]),
        closing=money(opening + money(row["movement"])),
        entries=row["entries"],
        last_change=row["last_change"],
        pending=money(row["pending"]),
    )


def _where(query: StatementQuery, alias: str) -> tuple[str, list[Any]]:
    """The line filters (search, type, status) as SQL with parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.kind:
        clauses.append(f"{alias}.kind = %s")
        params.append(query.kind)
    if query.status:
        clauses.append(f"{alias}.status = %s")
        params.append(query.status)
    if query.q:
        pattern = (
            "%"
            + query.q.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        clauses.append(
            f"(UPPER({alias}.number) LIKE %s ESCAPE '\\' OR UPPER({alias}.reference) LIKE %s ESCAPE '\\')"
        )
        params += [pattern, pattern]
    return " AND ".join(clauses), params


_PERIOD = (
    "e.company_id = %s AND e.billing_account_id = %s AND e.currency = %s"
    " AND e.date >= %s AND e.date <= %s"
)


def _period_params(query: StatementQuery) -> list[Any]:
    return [query.company_id, query.account_id, query.currency, query.start, query.end]


_LINES_SQL = (
    "SELECT t.kind, t.source_id, t.date, t.due_date, t.number, t.reference, t.debit,"
    " t.credit, t.signed_amount, {open_amount}, t.status, t.running FROM ("
    " SELECT e.kind, e.kind_rank, e.source_id, e.date, e.due_date, e.number, e.reference,"
    " e.debit, e.credit, e.signed_amount, {inner},"
    " SUM(e.signed_amount) OVER (ORDER BY e.date, e.kind_rank, e.source_id"
    " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running"
    " FROM statements_ledger_entry e WHERE e.company_id = %s AND e.billing_account_id = %s"
    " AND e.currency = %s AND e.date >= %s AND e.date <= %s) t"
    "{where} ORDER BY {order}"
)
# What is open on an invoice is the expensive column: unless the lines are filtered or
# sorted by status, it is read only for the lines of the page (after ORDER BY/LIMIT).
_CHEAP_STATUS = "e.document_status AS status"
_LATE_OPEN_AMOUNT = (
    "CASE WHEN t.kind = 'invoice' THEN (SELECT l.open_amount FROM statements_ledger_entry l"
    " WHERE l.kind = 'invoice' AND l.source_id = t.source_id) END"
)


def _lines_sql(query: StatementQuery) -> tuple[str, list[Any]]:
    where, params = _where(query, "t")
    column = SORTS[query.sort_key]
    direction = "DESC" if query.descending else "ASC"
    nulls = " IS NULL" if query.sort_key == "due" else ""
    order = f"{column}{nulls} {direction}, " if nulls else ""
    order += f"{column} {direction}, t.date, t.kind_rank, t.source_id"
    needs_status = bool(query.status) or query.sort_key == "status"
    # Only whitelisted fragments are formatted in; every value is a parameter.
    sql = _LINES_SQL.format(  # noqa: S608
        open_amount="t.open_amount" if needs_status else _LATE_OPEN_AMOUNT,
        inner="e.open_amount, e.status" if needs_status else _CHEAP_STATUS,
        where=f" WHERE {where}" if where else "",
        order=order,
    )
    return sql, _period_params(query) + params


def _line(row: tuple, opening: Decimal, currency: str) -> Line:
    kind, source_id, day, due, number, reference, debit, credit, signed, open_, status, run = row
    pending = ZERO
    if kind == LedgerEntry.Kind.PAYMENT and status == LedgerEntry.Status.PENDING:
        pending, credit = money(credit), ZERO
    return Line(
        kind=kind,
        source_id=source_id,
        date=parse_date(day),
        due_date=parse_date(due),
        number=number,
        reference=reference or "",
        debit=money(debit),
        credit=money(credit),
        signed_amount=money(signed),
        open_amount=money(open_),
        status=status or ("open" if open_ is not None and open_ > OPEN_THRESHOLD else "paid"),
        balance=money(opening + money(run)),
        currency=currency,
        pending=pending,
    )


@dataclass
class StatementLines:
    """The filtered, sorted lines of a statement, sliced by the database (for Paginator)."""

    query: StatementQuery
    opening: Decimal
    _count: int | None = field(default=None, init=False)

    def count(self) -> int:
        if self._count is None:
            where, params = _where(self.query, "e")
            sql = f"SELECT COUNT(*) FROM statements_ledger_entry e WHERE {_PERIOD}"  # noqa: S608  # nosec B608 - constant SQL, values are parameters
            if where:
                sql += f" AND {where}"
            with connection.cursor() as cursor:
                cursor.execute(sql, _period_params(self.query) + params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def iterator(self, chunk_size: int = 2000) -> Iterator[Line]:
        """Every line, as a queryset's iterator (for portal.job_views.export_or_job)."""
        return iter_lines(self.query, self.opening, chunk_size)

    def __getitem__(self, item: slice) -> list[Line]:
        if not isinstance(item, slice):
            raise TypeError("statement lines are read by slices")
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        sql, params = _lines_sql(self.query)
        sql += " LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, max(stop - start, 0), start])
            return [_line(row, self.opening, self.query.currency) for row in cursor.fetchall()]


def iter_lines(query: StatementQuery, opening: Decimal, chunk_size: int = 2000) -> Iterator[Line]:
    """Every line, read in chunks through a server-side cursor on PostgreSQL (flat memory)."""
    sql, params = _lines_sql(query)
    connection.ensure_connection()
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                yield _line(row, opening, query.currency)
    finally:
        cursor.close()


@dataclass
class Ageing:
    as_of: date
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    unapplied: Decimal

    @property
    def total_open(self) -> Decimal:
        return self.not_due + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90

    @property
    def buckets(self) -> list[tuple[str, str, Decimal]]:
        from django.utils.translation import gettext as _

        return [
            ("not_due", _("Not yet due"), self.not_due),
            ("1_30", _("1–30 days overdue"), self.days_1_30),
            ("31_60", _("31–60 days overdue"), self.days_31_60),
            ("61_90", _("61–90 days overdue"), self.days_61_90),
            ("over_90", _("Over 90 days overdue"), self.over_90),
        ]


_AGEING_SQL = """
WITH alloc AS (
    SELECT a.invoice_id AS invoice_id, SUM(a.amount) AS amount
    FROM statements_paymentallocation a
    INNER JOIN statements_payment p ON p.id = a.payment_id
    WHERE p.company_id = %(company)s AND p.billing_account_id = %(account)s
      AND p.currency = %(currency)s AND p.status = 'received' AND p.date <= %(as_of)s
    GROUP BY a.invoice_id
), credited AS (
    SELECT c.invoice_id AS invoice_id, SUM(c.amount) AS amount
    FROM statements_creditnote c
    WHERE c.company_id = %(company)s AND c.billing_account_id = %(account)s
      AND c.currency = %(currency)s AND c.date <= %(as_of)s AND c.invoice_id IS NOT NULL
    GROUP BY c.invoice_id
), open_invoices AS (
    SELECT i.due_date AS due_date,
           i.total - COALESCE(alloc.amount, 0) - COALESCE(credited.amount, 0) AS open_amount
    FROM invoices_invoice i
    LEFT OUTER JOIN alloc ON alloc.invoice_id = i.id
    LEFT OUTER JOIN credited ON credited.invoice_id = i.id
    WHERE i.company_id = %(company)s AND i.billing_account_id = %(account)s
      AND i.currency = %(currency)s AND i.issue_date <= %(as_of)s
)
SELECT
    SUM(CASE WHEN due_date >= %(as_of)s THEN open_amount END),
    SUM(CASE WHEN due_date < %(as_of)s AND due_date >= %(d30)s THEN open_amount END),
    SUM(CASE WHEN due_date < %(d30)s AND due_date >= %(d60)s THEN open_amount END),
    SUM(CASE WHEN due_date < %(d60)s AND due_date >= %(d90)s THEN open_amount END),
    SUM(CASE WHEN due_date < %(d90)s THEN open_amount END),
    (
        SELECT COALESCE(SUM(p.amount), 0) FROM statements_payment p
        WHERE p.company_id = %(company)s AND p.billing_account_id = %(account)s
          AND p.currency = %(currency)s AND p.status = 'received' AND p.date <= %(as_of)s
    ) - (
        SELECT COALESCE(SUM(a.amount), 0) FROM statements_paymentallocation a
        INNER JOIN statements_payment p ON p.id = a.payment_id
        WHERE p.company_id = %(company)s AND p.billing_account_id = %(account)s
          AND p.currency = %(currency)s AND p.status = 'received' AND p.date <= %(as_of)s
    ) + (
        SELECT COALESCE(SUM(c.amount), 0) FROM statements_creditnote c
        WHERE c.company_id = %(company)s AND c.billing_account_id = %(account)s
          AND c.currency = %(currency)s AND c.date <= %(as_of)s AND c.invoice_id IS NULL
    )
FROM open_invoices
WHERE open_amount > 0.005
"""


def ageing(query: StatementQuery, as_of: date) -> Ageing:
    """What is open at `as_of`, by days overdue (conditional aggregation in the database).

    Open amount of an invoice = total − received allocations − credit notes on it,
    counting only payments and credit notes dated up to `as_of`. `unapplied` is
    credit not matched to an invoice (unallocated payments, credit notes on no
    invoice): open invoices − unapplied = the balance at `as_of`.
    """
    params = {
        "company": query.company_id,
        "account": query.account_id,
        "currency": query.currency,
        "as_of": as_of,
        "d30": as_of - timedelta(days=30),
        "d60": as_of - timedelta(days=60),
        "d90": as_of - timedelta(days=90),
    }
    with connection.cursor() as cursor:
        cursor.execute(_AGEING_SQL, params)
        row = cursor.fetchone()
    values = [money(v) or ZERO for v in row] if row else [ZERO] * 6
    return Ageing(as_of, *values)
