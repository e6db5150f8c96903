"""Long work of Contracts OnLine, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's company."""

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.filters import DEFAULT_SORT, SORTS, ContractFilter
from contracts.models import Contract
from portal import exports
from portal.applications import App
from portal.jobs import ExportRows, back_to_list, export_kind
from portal.models import Company, Job

EXPORT_KIND = "contracts.export"

COLUMNS = [
    exports.Column(_("Number"), lambda c: c.number),
    exports.Column(_("Title"), lambda c: c.title),
    exports.Column(_("Type"), lambda c: c.get_type_display()),
    exports.Column(_("Status"), lambda c: c.get_status_display()),
    exports.Column(_("Start date"), lambda c: c.start_date),
    exports.Column(_("End date"), lambda c: c.end_date),
    exports.Column(_("Renewal notice date"), lambda c: c.renewal_date),
    exports.Column(_("Value"), lambda c: c.value),
    exports.Column(_("Currency"), lambda c: c.currency),
    exports.Column(_("Supplier-side owner"), lambda c: c.supplier_owner),
    exports.Column(_("Renewal terms"), lambda c: c.renewal_terms),
    exports.Column(_("SLA response time (hours)"), lambda c: c.sla_response_hours),
    exports.Column(_("SLA coverage hours"), lambda c: c.sla_coverage_hours),
]


def export_selection(company: Company, query: str) -> Any:
    """The company's contracts under the list's filters and sort (`query`: its query string)."""
    data = QueryDict(query)
    filterset = ContractFilter(data or None, queryset=Contract.objects.for_company(company))
    sort = data.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return filterset.qs.order_by(*SORTS[sort])


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
