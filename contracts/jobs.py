"""Long work of Contracts OnLine, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's company."""

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.exports import COLUMNS
from contracts.filters import ContractFilter
from contracts.models import Contract
from portal.applications import App
from portal.jobs import ExportRows, back_to_list, export_kind
from portal.models import Company, Job

EXPORT_KIND = "contracts.export"


def export_selection(company: Company, query: str) -> Any:
    """The company's contracts under the list's filters and sort (`query`: its query string)."""
    queryset = Contract.objects.for_company(company)
    return ContractFilter(QueryDict(query) or None, queryset=queryset, company=company).qs


def export_rows(job: Job) -> ExportRows:
    rows = export_selection(job.company, job.params.get("query", ""))
    return ExportRows(
        rows=rows.iterator(chunk_size=2000),
        columns=COLUMNS,
        name=f"contracts-{timezone.localdate().isoformat()}",
        sheet=_("Contracts"),
    )


KINDS = [
    export_kind(
        key=EXPORT_KIND,
        app=App.CONTRACTS,
        title=_("Contract spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer contracts."
        ),
        back=back_to_list("contracts:list"),
    ),
]
