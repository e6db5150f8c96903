"""A report as a file: CSV, XLSX or PDF bytes (for e-mail) or a download response.

One column definition per report kind (orders.reports) feeds every format.
"""

from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils import timezone, translation

from orders.reports import PAGE_LIMIT, Report
from portal import documents, exports
from portal.files import CSV, PDF, XLSX

CONTENT_TYPES = {"csv": CSV, "xlsx": XLSX, "pdf": PDF}
PDF_TEMPLATE = "pdf/orders_report.html"


def table(report: Report, limit: int = PAGE_LIMIT) -> dict[str, Any]:
    """Headers and rows for the HTML page and the PDF (at most `limit` rows)."""
    items = list(report.rows_queryset()[: limit + 1])
    truncated = len(items) > limit
    rows = [[col.value(item) for col in report.columns] for item in items[:limit]]
    return {
        "headers": [col.header for col in report.columns],
        "rows": rows,
        "truncated": truncated,
        "limit": limit,
        "numeric": report.numeric_columns,
    }


def _pdf_context(report: Report, company: Any) -> dict[str, Any]:
    return {
        "report": report,
        "company": company,
        "generated_at": timezone.now(),
        **table(report),
    }


def pdf_storage_name(report: Report, company: Any, language: str) -> str:
    with translation.override(language):
        return documents.get_or_render(
            PDF_TEMPLATE,
            _pdf_context(report, company),
            key=f"orders/reports/{company.pk}/{report.key}",
            language=language,
            version=report.version(),
        )


def report_bytes(report: Report, fmt: str, *, company: Any, language: str) -> bytes:
    """The whole report as a file of format `fmt` (csv, xlsx, pdf), in `language`."""
    with translation.override(language):
        items = report.rows_queryset().iterator(chunk_size=2000)
        if fmt == "csv":
            return "".join(exports.csv_lines(items, report.columns, language)).encode("utf-8")
        if fmt == "xlsx":
            handle = exports.xlsx_file(items, report.columns, sheet=str(report.title))
            try:
                return handle.read()
            finally:
                handle.close()
    name = pdf_storage_name(report, company, language)
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def download_response(report: Report, fmt: str, *, company: Any, language: str) -> HttpResponse:
    if fmt == "pdf":
        return documents.pdf_response(
            PDF_TEMPLATE,
            _pdf_context(report, company),
            key=f"orders/reports/{company.pk}/{report.key}",
            language=language,
            version=report.version(),
            filename=f"{report.filename()}.pdf",
            inline=False,
        )
    return exports.export_response(
        fmt,
        report.rows_queryset().iterator(chunk_size=2000),
        report.columns,
        report.filename(),
        sheet=report.title,
    )
