"""Long work of My requests, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's
company and user (a customer's own requests, every request for a company administrator
who still is one)."""

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.applications import App
from portal.exports import XLSX_TYPE, export_bytes
from portal.files import CSV
from portal.jobs import JobKind, Progress, Result
from portal.models import Job, Membership
from requests_inbox.exports import COLUMNS
from requests_inbox.filters import RequestFilter
from requests_inbox.models import Request

EXPORT_KIND = "requests_inbox.export"


def filter_requests(visible: QuerySet[Request], data: Any) -> QuerySet[Request]:
    """The list's filters and sort applied to the requests the user may see."""
    return RequestFilter(data or None, queryset=visible.select_related("requester")).qs


def build_export(job: Job, progress: Progress) -> Result:
    fmt = job.params.get("fmt", "csv")
    is_admin = Membership.objects.filter(
        user=job.user, company=job.company, is_company_admin=True
    ).exists()
    visible = Request.objects.for_company(job.company).visible_to(
        job.user, is_company_admin=is_admin
    )
    rows = filter_requests(visible, QueryDict(job.params.get("query", "")))
    data = export_bytes(
        fmt, rows.iterator(chunk_size=2000), COLUMNS, sheet=_("My requests"), progress=progress
    )
    return Result(
        data=data, name=f"my-requests.{fmt}", content_type=XLSX_TYPE if fmt == "xlsx" else CSV
    )


def _requests(job: Job) -> str:
    query = job.params.get("query", "")
    return reverse("requests_inbox:list") + (f"?{query}" if query else "")


KINDS = [
    JobKind(
        key=EXPORT_KIND,
        app=App.REQUESTS,
        title=_("Requests spreadsheet"),
        build=build_export,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "to export fewer requests."
        ),
        back=_requests,
    ),
]
