"""Invoices On-Line at scale: one company with 100,000 invoices and 1,000,000 lines.

Measured by the harness (pages): the list's first page, each search (invoice, PO,
order number), each filter and each sort (constant query count, p95 < 100 ms),
a later PDF download (stored image, median < 30 ms), CSV/XLSX exports of all
100,000 invoices and a streamed ZIP. `documents(ctx)` adds what a page timing
cannot show: the first render of a PDF (median < 1 s), the XLSX export's peak
memory and the ZIP of 200 PDFs streaming chunk by chunk.
Run alone: `python -m bench.invoices [--scale 0.1]` (PostgreSQL via DATABASE_URL).
"""

import datetime
import io
import random
import statistics
import time
import tracemalloc
from decimal import Decimal

from django.db import connection, transaction
from django.urls import reverse
from django.utils.http import urlencode

from bench.core import Context, Page

NAME = "invoices"
INVOICES = 100_000
LINES_PER_INVOICE = 10
BATCH = 5000
PREFIX = "BIN"
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "GBP"]
PAYMENT = ["open", "paid", "paid", "partially_paid", "overdue", "paid"]
APPROVAL = ["to_verify", "approved", "approved", "rejected"]


def _number(i: int) -> str:
    return f"{PREFIX}-{i:07d}"


def _accounts(company):
    from invoices.models import BillingAccount

    return [
        BillingAccount.objects.get_or_create(
            company=company,
            number=f"{PREFIX}-ACC-{k}",
            defaults={"name": f"Bench account {k}", "currency": currency},
        )[0]
        for k, currency in enumerate(sorted(set(CURRENCIES)))
    ]


def _copy_lines(rows: list[tuple]) -> None:
    """COPY is ~10x faster than INSERT for the million lines (PostgreSQL)."""
    columns = (
        "invoice_id, position, part_number, description, quantity, unit_price, tax_rate, line_total"
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY invoices_invoiceline ({columns}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row(row)


def seed(ctx: Context) -> None:
    """Bulk-create the dataset for ctx.company (idempotent: skipped when already there)."""
    from invoices.models import Invoice, InvoiceLine

    company = ctx.company
    total = ctx.n(INVOICES)
    mine = Invoice.objects.for_company(company).filter(number__startswith=f"{PREFIX}-")
    if mine.count() >= total:
        return
    InvoiceLine.objects.filter(invoice__in=mine).delete()
    mine.delete()
    accounts = {a.currency: a for a in _accounts(company)}
    rng = random.Random(6)
    today = datetime.date.today()
    postgres = connection.vendor == "postgresql"
    for start in range(0, total, BATCH):
        with transaction.atomic():
            invoices = []
            for i in range(start, min(start + BATCH, total)):
                currency = CURRENCIES[i % len(CURRENCIES)]
                issued = today - datetime.timedelta(days=i % 1800)
                subtotal = Decimal(rng.randint(1_000, 5_000_000)) / 100
                tax = (subtotal * Decimal("0.2")).quantize(Decimal("0.01"))
                status = PAYMENT[i % len(PAYMENT)]
                invoices.append(
                    Invoice(
                        company=company,
                        number=_number(i),
                        billing_account=accounts[currency],
                        country=company.country,
                        issue_date=issued,
                        due_date=issued + datetime.timedelta(days=30),
                        currency=currency,
                        subtotal=subtotal,
                        tax_total=tax,
                        total=subtotal + tax,
                        amount_paid=subtotal + tax if status == "paid" else Decimal("0"),
                        po_number=f"BPO-{i // 4:06d}",
                        order_number=f"BOR{5000000 + i // 2}",
                        payment_terms="Net 30 days",
                        payment_status=status,
                        approval_status=APPROVAL[i % len(APPROVAL)],
                    )
                )
            invoices = Invoice.objects.bulk_create(invoices, batch_size=BATCH)
            rows = []
            for invoice in invoices:
                share = (invoice.subtotal / LINES_PER_INVOICE).quantize(Decimal("0.01"))
                for pos in range(1, LINES_PER_INVOICE + 1):
                    amount = share if pos < LINES_PER_INVOICE else invoice.subtotal - share * 9
                    rows.append(
                        (
                            invoice.pk,
                            pos,
                            f"PN-{(invoice.pk * 7 + pos) % 20000:05d}",
                            "Bench part",
                            Decimal("1"),
                            amount,
                            Decimal("20.00"),
                            amount,
                        )
                    )
            if postgres:
                _copy_lines(rows)
            else:
                InvoiceLine.objects.bulk_create(
                    [
                        InvoiceLine(
                            invoice_id=r[0],
                            position=r[1],
                            part_number=r[2],
                            description=r[3],
                            quantity=r[4],
                            unit_price=r[5],
                            tax_rate=r[6],
                            line_total=r[7],
                        )
                        for r in rows
                    ],
                    batch_size=BATCH,
                )
    if postgres:
        with connection.cursor() as cursor:
            for table in ("invoices_invoice", "invoices_invoiceline", "invoices_billingaccount"):
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names


def pages(ctx: Context) -> list[Page]:
    from invoices.filters import SORTS

    total = ctx.n(INVOICES)
    middle = total // 2
    today = datetime.date.today()
    base = reverse("invoices:list")

    def listing(name: str, **params: object) -> Page:
        query = urlencode(params)
        return Page(f"invoices {name}", f"{base}?{query}" if query else base, target_p95_ms=100)

    from portal.company_cache import company_changed

    result = [
        listing("list first page"),
        Page(  # the first visit after a change: the totals are summed again
            "invoices list first page (totals computed)",
            base,
            target_p95_ms=100,
            before=lambda: company_changed(ctx.company.pk),
        ),
        listing("search invoice number", q=_number(middle)),
        listing("search invoice number prefix", q=_number(middle)[:-2]),
        listing("search PO number", q=f"BPO-{middle // 4:06d}"),
        listing("search order number", q=f"BOR{5000000 + middle // 2}"),
        listing("filter payment overdue", payment="overdue"),
        listing("filter approval to verify", approval="to_verify"),
        listing("filter approval disputed", approval="disputed"),
        listing(
            "filter issue date range",
            issued_from=(today - datetime.timedelta(days=60)).isoformat(),
            issued_to=(today - datetime.timedelta(days=30)).isoformat(),
        ),
        listing(
            "filter due date range",
            due_from=(today - datetime.timedelta(days=400)).isoformat(),
            due_to=(today - datetime.timedelta(days=300)).isoformat(),
        ),
        listing("filter amount range", amount_min="1000", amount_max="1500"),
        listing("filter currency", currency="USD"),
        listing("filter combined", payment="open", currency="EUR", amount_min="100"),
        listing("page 1000", page=1000),
    ]
    for key in SORTS:
        result.append(listing(f"sort {key}", sort=key))
    number = _number(middle)
    result += [
        Page(
            "invoices PDF later download",
            reverse("invoices:pdf_download", kwargs={"number": number}),
            target_p95_ms=60,
            streaming=True,
        ),
        Page("invoices CSV export (all)", f"{reverse('invoices:export')}?fmt=csv", streaming=True),
        Page(
            "invoices XLSX export (all)", f"{reverse('invoices:export')}?fmt=xlsx", streaming=True
        ),
        Page(
            "invoices ZIP of 5 PDFs (streamed; more go to a job)",
            reverse("invoices:zip_selection"),
            method="POST",
            data={"numbers": [_number(middle + k) for k in range(5)]},
            streaming=True,
        ),
    ]
    return result


def documents(ctx: Context, renders: int = 10) -> dict[str, float]:
    """First PDF renders (fresh invoices), later reads, XLSX peak memory, ZIP of 200 PDFs."""
    from django.core.files.storage import default_storage
    from django.test import Client

    from invoices import rendering
    from invoices.exports import invoice_columns
    from invoices.models import Invoice
    from invoices.selectors import disputed_numbers
    from invoices.zip_jobs import zip_stream
    from portal.documents import storage_name
    from portal.exports import xlsx_file

    client = Client()
    client.force_login(ctx.user)
    qs = Invoice.objects.for_company(ctx.company).filter(number__startswith=f"{PREFIX}-")
    firsts = []
    for invoice in qs.order_by("-number")[:renders]:
        name = storage_name(
            rendering.document_key(invoice), language="en", version=invoice.document_version
        )
        if default_storage.exists(name):
            default_storage.delete(name)
        start = time.perf_counter()
        response = client.get(reverse("invoices:pdf", kwargs={"number": invoice.number}))
        b"".join(response.streaming_content)
        firsts.append((time.perf_counter() - start) * 1000)
    later = []
    url = reverse("invoices:pdf", kwargs={"number": invoice.number})
    for _ in range(30):
        start = time.perf_counter()
        b"".join(client.get(url).streaming_content)
        later.append((time.perf_counter() - start) * 1000)

    tracemalloc.start()
    handle = xlsx_file(
        qs.select_related("billing_account").iterator(chunk_size=2000),
        invoice_columns(disputed=disputed_numbers(ctx.company)),
    )
    xlsx_peak = tracemalloc.get_traced_memory()[1] / 2**20
    xlsx_size = handle.seek(0, io.SEEK_END) / 2**20
    handle.close()
    tracemalloc.stop()

    chosen = list(qs.select_related("company", "billing_account").order_by("number")[:200])
    tracemalloc.start()
    start = time.perf_counter()
    chunks = 0
    first_chunk_ms = None
    size = 0
    for chunk in zip_stream(chosen, language="en"):
        chunks += 1
        size += len(chunk)
        if first_chunk_ms is None and chunk:
            first_chunk_ms = (time.perf_counter() - start) * 1000
    zip_ms = (time.perf_counter() - start) * 1000
    zip_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "pdf_first_render_median_ms": statistics.median(firsts),
        "pdf_later_download_median_ms": statistics.median(later),
        "xlsx_rows": qs.count(),
        "xlsx_size_mb": round(xlsx_size, 1),
        "xlsx_peak_python_mb": round(xlsx_peak, 1),
        "zip_200_total_ms": round(zip_ms),
        "zip_200_first_chunk_ms": round(first_chunk_ms or 0),
        "zip_200_chunks": chunks,
        "zip_200_size_mb": round(size / 2**20, 1),
        "zip_200_peak_python_mb": round(zip_peak, 1),
    }


def main() -> None:  # pragma: no cover - manual run
    import argparse
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.core import measure
    from portal.models import Authorization, Company, Country, Membership, User

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    country, _ = Country.objects.get_or_create(
        code="FR", defaults={"name": "France", "apps": ["invoices"]}
    )
    if "invoices" not in country.apps:
        country.apps = [*country.apps, "invoices"]
        country.save()
    company, _ = Company.objects.get_or_create(
        customer_number="BENCH-INV", defaults={"name": "Bench Invoices", "country": country}
    )
    user = User.objects.filter(
        email="bench-invoices@example.com"
    ).first() or User.objects.create_user("bench-invoices@example.com", "x")
    Membership.objects.get_or_create(user=user, company=company)
    Authorization.objects.update_or_create(
        user=user,
        company=company,
        app="invoices",
        defaults={"role": "approver", "status": Authorization.Status.GRANTED},
    )
    ctx = Context(company=company, user=user, scale=args.scale)
    start = time.perf_counter()
    seed(ctx)
    print(f"seed: {time.perf_counter() - start:.1f} s")
    client = Client()
    client.force_login(user)
    for page in pages(ctx):
        if page.streaming and "PDF" not in page.name:
            # whole-table exports: one timed run each (the harness repeats them)
            start = time.perf_counter()
            if page.method == "POST":
                response = client.post(page.url, page.data or {})
            else:
                response = client.get(page.url)
            size = sum(len(chunk) for chunk in response.streaming_content)
            elapsed = (time.perf_counter() - start) * 1000
            print(
                f"{page.name:45} status {response.status_code} once {elapsed:10.1f} ms "
                f"{size / 2**20:.1f} MB"
            )
            continue
        result = measure(client, page, repeat=args.repeat)
        flag = ""
        if page.target_p95_ms and result.p95_ms > page.target_p95_ms:
            flag = "  <-- over target"
        print(
            f"{page.name:45} status {result.status} median {result.median_ms:8.1f} ms "
            f"p95 {result.p95_ms:8.1f} ms queries {result.queries}{flag}"
        )
    for key, value in documents(ctx).items():
        print(f"{key:35} {value}")


if __name__ == "__main__":  # pragma: no cover
    main()
