"""Long work of Order Status Online, run by a worker through portal.jobs: report e-mails
(their attachments are rendered by the worker, not in the request) and exports beyond
the direct-download size. Every read starts again from the job's company and user."""

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.exports import ORDER_COLUMNS
from orders.filters import OrderFilter
from orders.models import Order
from orders.reports import resolve_report
from portal.applications import App
from portal.jobs import ExportRows, JobKind, Progress, Result, back_to_list, export_kind
from portal.models import Company, Job

REPORT_EMAIL_KIND = "orders.report_email"
EXPORT_KIND = "orders.export"
REPORT_FILE_KIND = "orders.report_file"


def export_selection(company: Company, query: str) -> Any:
    queryset = Order.objects.for_company(company)
    return OrderFilter(
        QueryDict(query) or None, queryset=queryset, company=company
    ).qs.for_listing()


def export_rows(job: Job) -> ExportRows:
    rows = export_selection(job.company, job.params.get("query", ""))
    return ExportRows(
        rows=rows.iterator(chunk_size=2000), columns=ORDER_COLUMNS, name="orders", sheet=_("Orders")
    )


def build_report_email(job: Job, progress: Progress) -> Result:
    report = resolve_report(job.company, job.user, job.params["key"])
    services.report_email(
        company=job.company,
        sender=job.user,
        report=report,
        recipients=job.params["recipients"],
        fmt=job.params["fmt"],
        attach=job.params["attach"],
        progress=progress,
    )
    return Result()


def report_file_rows(job: Job) -> ExportRows:
    """A report's CSV/XLSX beyond the direct-download size (the owner's view of it)."""
    report = resolve_report(job.company, job.user, job.params["key"])
    return ExportRows(
        rows=report.rows_queryset().iterator(chunk_size=2000),
        columns=report.columns,
        name=report.filename(),
        sheet=str(report.title),
    )


def _report(job: Job) -> str:
    return reverse("orders:report", kwargs={"key": job.params["key"]})


KINDS = [
    JobKind(
        key=REPORT_EMAIL_KIND,
        app=App.ORDERS,
        title=_("Report e-mail"),
        build=build_report_email,
        retry_hint=_(
            "The report could not be sent. Please try again, or send a link instead of the file."
        ),
        back=_report,
    ),
    export_kind(
        key=REPORT_FILE_KIND,
        app=App.ORDERS,
        title=_("Order report spreadsheet"),
        select=report_file_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer orders."
        ),
        back=_report,
    ),
    export_kind(
        key=EXPORT_KIND,
        app=App.ORDERS,
        title=_("Order spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer orders."
        ),
        back=back_to_list("orders:list"),
    ),
]
