"""Long work of My requests, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's
company and user (a customer's own requests, every request for a company administrator
who still is one)."""

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal.applications import App
from portal.jobs import ExportRows, back_to_list, export_kind
from portal.models import Job, Membership
from requests_inbox.exports import COLUMNS
from requests_inbox.filters import RequestFilter
from requests_inbox.models import Request

EXPORT_KIND = "requests_inbox.export"


def filter_requests(visible: QuerySet[Request], data: Any) -> QuerySet[Request]:
    """The list's filters and sort applied to the requests the user may see."""
    return RequestFilter(data or None, queryset=visible.select_related("requester")).qs


def export_rows(job: Job) -> ExportRows:
    is_admin = Membership.objects.filter(
        user=job.user, company=job.company, is_company_admin=True
    ).exists()
    visible = Request.objects.for_company(job.company).visible_to(
        job.user, is_company_admin=is_admin
    )
    rows = filter_requests(visible, QueryDict(job.params.get("query", "")))
    return ExportRows(
        rows=rows.iterator(chunk_size=2000),
        columns=COLUMNS,
        name="my-requests",
        sheet=_("My requests"),
    )


KINDS = [
    export_kind(
        key=EXPORT_KIND,
        app=App.REQUESTS,
        title=_("Requests spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer requests."
        ),
        back=back_to_list("requests_inbox:list"),
    ),
]
