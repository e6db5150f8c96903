"""Long work of My requests, run by a worker through portal.jobs: the export of a
selection beyond the direct-download size. Every read starts again from the job's
company and user (a customer's own requests, every request for a company administrator
who still is one)."""

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal.applications import App
from portal.exports import Column
from portal.jobs import ExportRows, back_to_list, export_kind
from portal.models import Job, Membership
from requests_inbox.forms import SORTS, RequestFilterForm
from requests_inbox.models import Request

EXPORT_KIND = "requests_inbox.export"

COLUMNS = [
    Column(header=_("Tracking number"), value=lambda r: r.number),
    Column(header=_("Subject"), value=lambda r: r.subject),
    Column(header=_("Category"), value=lambda r: r.get_category_display()),
    Column(header=_("Reference"), value=lambda r: r.reference),
    Column(header=_("Status"), value=lambda r: r.get_status_display()),
    Column(header=_("Created"), value=lambda r: r.created_at),
    Column(header=_("Answer expected by"), value=lambda r: r.due_at),
    Column(header=_("Requester"), value=lambda r: r.requester.email),
]


def filter_requests(
    visible: QuerySet[Request], data: Any
) -> tuple[RequestFilterForm, QuerySet[Request], str]:
    """The list's filters and sort applied to the requests the user may see."""
    form = RequestFilterForm(data or None)
    qs = visible.select_related("requester")
    sort = "-created"
    if form.is_valid():
        cleaned = form.cleaned_data
        qs = qs.search(cleaned["q"])
        if cleaned["status"]:
            qs = qs.filter(status=cleaned["status"])
        if cleaned["category"]:
            qs = qs.filter(category=cleaned["category"])
        if cleaned["created_from"]:
            qs = qs.filter(created_at__date__gte=cleaned["created_from"])
        if cleaned["created_to"]:
            qs = qs.filter(created_at__date__lte=cleaned["created_to"])
        sort = cleaned["sort"] or sort
    return form, qs.order_by(*SORTS[sort]), sort


def export_rows(job: Job) -> ExportRows:
    is_admin = Membership.objects.filter(
        user=job.user, company=job.company, is_company_admin=True
    ).exists()
    visible = Request.objects.for_company(job.company).visible_to(
        job.user, is_company_admin=is_admin
    )
    _form, rows, _sort = filter_requests(visible, QueryDict(job.params.get("query", "")))
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
