"""The pages of long work: a job's state and progress (polled), its file, my recent jobs.

A job is the user's own, in the active company: another user's or company's job is a
404. The job's application gate applies too (access revoked: no more downloads). The
"ready" e-mail links to the page: the user's own job of another of their companies
switches to it (with the notice of object links) when the gate lets them in there.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from portal.access import company_required, decide, gate, switch_company_for_link
from portal.exports import Column, export_response
from portal.files import serve
from portal.http import AppRequest
from portal.jobs import JobRefused, job_start, kind_of
from portal.models import Job

RECENT = 20
POLL_SECONDS = 2


def _own_jobs(request: AppRequest):
    return Job.objects.for_company(request.company).of_user(request.user)


def _in_other_company(request: AppRequest, pk: int) -> HttpResponseBase:
    """A link to the user's own job of another of their companies: switch to it and show
    it, when the job's application is open to the user there; otherwise the usual 404."""
    if request.method in ("GET", "HEAD"):
        others = [m for m in request.memberships if m.company_id != request.company.pk]
        job = (
            Job.objects.of_user(request.user)
            .filter(pk=pk, company__in=[m.company_id for m in others])
            .first()
        )
        kind = kind_of(job) if job is not None else None
        if job is not None and kind is not None:
            membership = next(m for m in others if m.company_id == job.company_id)
            if decide(request.user, membership.company, kind.app) == "ok":
                switch_company_for_link(request, membership.company, app=kind.app)
                return redirect(request.get_full_path())
    raise Http404


def _own_job(request: AppRequest, pk: int) -> tuple[Job, HttpResponseBase | None]:
    """The user's job and, when its application's gate says no, the response that stops."""
    job = _own_jobs(request).select_related("file").filter(pk=pk).first()
    if job is None:
        return Job(), _in_other_company(request, pk)
    kind = kind_of(job)
    if kind is None:
        raise Http404
    return job, gate(request, kind.app)


@company_required
def job_list(request: AppRequest) -> HttpResponse:
    jobs = list(_own_jobs(request)[:RECENT])
    rows = [{"job": job, "kind": kind_of(job)} for job in jobs]
    return render(request, "portal/job_list.html", {"rows": [r for r in rows if r["kind"]]})


@company_required
def job_detail(request: AppRequest, pk: int) -> HttpResponseBase:
    job, stop = _own_job(request, pk)
    if stop is not None:
        return stop
    kind = kind_of(job)
    assert kind is not None
    context = {"job": job, "kind": kind, "back": kind.back(job), "poll_seconds": POLL_SECONDS}
    template = "portal/_job_status.html" if request.htmx else "portal/job_detail.html"
    response = render(request, template, context)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@company_required
def job_download(request: AppRequest, pk: int) -> HttpResponseBase:
    job, stop = _own_job(request, pk)
    if stop is not None:
        return stop
    if job.state != Job.State.DONE or job.file is None:
        raise Http404
    return serve(job.file)


def export_or_job(
    request: AppRequest,
    *,
    fmt: str,
    queryset: QuerySet,
    columns: list[Column],
    filename: str,
    kind: str,
    params: dict[str, Any],
    back: str,
    sheet: Any = None,
) -> HttpResponseBase:
    """Stream a small export in the response; beyond EXPORT_DIRECT_MAX_ROWS, start a job
    (the worker builds it from `params`) and send the user to its page, so no request
    holds a web worker for the whole table."""
    total = queryset.count()
    if total <= settings.EXPORT_DIRECT_MAX_ROWS:
        return export_response(
            fmt, queryset.iterator(chunk_size=2000), columns, filename, sheet=sheet
        )
    return start_or_back(request, kind=kind, params={**params, "fmt": fmt}, total=total, back=back)


def start_or_back(
    request: AppRequest, *, kind: str, params: dict[str, Any], total: int, back: str
) -> HttpResponse:
    """Start a job and show its page; over the caps, go back with the reason."""
    try:
        job = job_start(
            company=request.company, user=request.user, kind=kind, params=params, total=total
        )
    except JobRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect(job)
