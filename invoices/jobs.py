"""Long work of Invoices On-Line, run by a worker through portal.jobs: the ZIP of a
large selection of PDFs and the exports beyond the direct-download size.

The job's params hold only what the user chose (invoice numbers, the list's filters);
every read starts again from the job's company, so a job never reaches another
company's invoices.
"""

import tempfile
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from invoices.exports import LINE_COLUMNS, invoice_columns
from invoices.filters import InvoiceFilter
from invoices.models import Invoice, InvoiceLine
from invoices.selectors import disputed_numbers, selected_invoices
from invoices.zip_jobs import ZIP_KIND, zip_stream
from portal.applications import App
from portal.files import ZIP
from portal.jobs import ExportRows, JobKind, Progress, Result, back_to_list, export_kind
from portal.models import Company, Job

EXPORT_KIND = "invoices.export"


def build_zip(job: Job, progress: Progress) -> Result:
    invoices = selected_invoices(job.company, job.params["numbers"])
    done = 0
    with tempfile.TemporaryFile() as handle:
        for chunk in zip_stream(invoices.iterator(chunk_size=100), language=job.language):
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
    columns = invoice_columns(disputed=disputed_numbers(company))
    return selection.select_related("billing_account"), columns, "invoices"


def export_rows(job: Job) -> ExportRows:
    rows, columns, name = export_selection(job.company, job.params)
    sheet = _("Invoice lines") if job.params.get("lines") else _("Invoices")
    return ExportRows(rows=rows.iterator(chunk_size=2000), columns=columns, name=name, sheet=sheet)


KINDS = [
    JobKind(
        key=ZIP_KIND,
        app=App.INVOICES,
        title=_("ZIP of invoices"),
        build=build_zip,
        retry_hint=_("The ZIP could not be built. Please try again or select fewer invoices."),
        back=back_to_list("invoices:list"),
        email_template="invoices_zip_ready",
    ),
    export_kind(
        key=EXPORT_KIND,
        app=App.INVOICES,
        title=_("Invoice spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "(a period, a billing account) to export fewer invoices."
        ),
        back=back_to_list("invoices:list"),
    ),
]
