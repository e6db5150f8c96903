"""Long work of Contracts OnLine, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's company."""

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.exports import COLUMNS
from contracts.filters import ContractFilter
from contracts.models import Contract
from portal import exports
from portal.applications import App
from portal.files import CSV
from portal.jobs import JobKind, Progress, Result
from portal.models import Company, Job

EXPORT_KIND = "contracts.export"


def export_selection(company: Company, query: str) -> Any:
    """The company's contracts under the list's filters and sort (`query`: its query string)."""
    queryset = Contract.objects.for_company(company)
    return ContractFilter(QueryDict(query) or None, queryset=queryset, company=company).qs


def build_export(job: Job, progress: Progress) -> Result:
    fmt = job.params.get("fmt", "csv")
    rows = export_selection(job.company, job.params.get("query", ""))
    data = exports.export_bytes(
        fmt, rows.iterator(chunk_size=2000), COLUMNS, sheet=_("Contracts"), progress=progress
    )
    stamp = timezone.localdate().isoformat()
    return Result(
        data=data,
        name=f"contracts-{stamp}.{fmt}",
        content_type=exports.XLSX_TYPE if fmt == "xlsx" else CSV,
    )


def _contracts(job: Job) -> str:
    query = job.params.get("query", "")
    return reverse("contracts:list") + (f"?{query}" if query else "")


KINDS = [
    JobKind(
        key=EXPORT_KIND,
        app=App.CONTRACTS,
        title=_("Contract spreadsheet"),
        build=build_export,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer contracts."
        ),
        back=_contracts,
    ),
]
