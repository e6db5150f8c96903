"""Long work of Invoices On-Line, run by a worker through portal.jobs: the ZIP of a
large selection of PDFs and the exports beyond the direct-download size.

The job's params hold only what the user chose (invoice numbers, the list's filters);
every read starts again from the job's company, so a job never reaches another
company's invoices.
"""

import tempfile
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from invoices import services
from invoices.exports import LINE_COLUMNS, invoice_columns
from invoices.filters import InvoiceFilter
from invoices.models import Invoice, InvoiceLine
from portal.applications import App
from portal.exports import XLSX_TYPE, export_bytes
from portal.files import CSV, ZIP
from portal.jobs import JobKind, Progress, Result
from portal.models import Company, Job

ZIP_KIND = "invoices.zip"
EXPORT_KIND = "invoices.export"


def build_zip(job: Job, progress: Progress) -> Result:
    invoices = services.selected_invoices(job.company, job.params["numbers"])
    done = 0
    with tempfile.TemporaryFile() as handle:
        for chunk in services.zip_stream(invoices.iterator(chunk_size=100), language=job.language):
            handle.write(chunk)
            done += 1
            progress(min(done, job.total))
        handle.seek(0)
        data = handle.read()
    return Result(data=data, name=f"invoices-{job.pk}.zip", content_type=ZIP)


def export_selection(company: Company, params: dict[str, Any]) -> tuple[Any, list, str]:
    """The rows, columns and file name of an export (same filters as the list)."""
    selection = InvoiceFilter(
        QueryDict(params.get("query", "")) or None,
        queryset=Invoice.objects.for_company(company),
        company=company,
    ).qs
    if params.get("lines"):
        lines = (
            InvoiceLine.objects.filter(invoice__in=selection.values("pk"))
            .select_related("invoice")
            .order_by("invoice__number", "position")
        )
        return lines, LINE_COLUMNS, "invoice-lines"
    columns = invoice_columns(disputed=services.disputed_numbers(company))
    return selection.select_related("billing_account"), columns, "invoices"


def build_export(job: Job, progress: Progress) -> Result:
    rows, columns, name = export_selection(job.company, job.params)
    fmt = job.params.get("fmt", "csv")
    sheet = _("Invoice lines") if job.params.get("lines") else _("Invoices")
    data = export_bytes(
        fmt, rows.iterator(chunk_size=2000), columns, sheet=sheet, progress=progress
    )
    return Result(data=data, name=f"{name}.{fmt}", content_type=XLSX_TYPE if fmt == "xlsx" else CSV)


def _list(job: Job) -> str:
    query = job.params.get("query", "")
    return reverse("invoices:list") + (f"?{query}" if query else "")


KINDS = [
    JobKind(
        key=ZIP_KIND,
        app=App.INVOICES,
        title=_("ZIP of invoices"),
        build=build_zip,
        retry_hint=_("The ZIP could not be built. Please try again or select fewer invoices."),
        back=_list,
        email_template="invoices_zip_ready",
    ),
    JobKind(
        key=EXPORT_KIND,
        app=App.INVOICES,
        title=_("Invoice spreadsheet"),
        build=build_export,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "(a period, a billing account) to export fewer invoices."
        ),
        back=_list,
    ),
]
