"""Customer pages of My requests. Thin: forms check shape, services change state.

Visibility: a customer sees their own requests, a company administrator every
request of the active company; anything else (another company's, a colleague's)
is a 404 through `visible_requests()`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import app_view
from portal.applications import App
from portal.files import serve
from portal.job_views import export_or_job
from portal.listing import Listing, export_format, filter_params
from portal.models import StoredFile, Topic
from requests_inbox.charts import request_charts
from requests_inbox.exports import COLUMNS
from requests_inbox.filters import REQUESTS
from requests_inbox.forms import RateForm, ReplyForm, RequestForm
from requests_inbox.jobs import EXPORT_KIND, filter_requests
from requests_inbox.models import Message, Request
from requests_inbox.selectors import request_record
from requests_inbox.services import (
    request_close,
    request_customer_reply,
    request_rate,
    request_reopen,
    request_submit,
)

APP = App.REQUESTS
FILES_AGAIN = gettext_lazy(
    "For your security, files are not kept when the form has errors: please choose them again."
)


FILE_ERRORS = {
    "too_many_files",
    "message_too_large",
    "too_large",
    "empty",
    "bad_type",
    "zip_bomb",
    "bad_zip",
    "foreign_file",
}


def error_field(exc: ValidationError) -> str | None:
    """Which form field a service's ValidationError belongs to (None: the whole form)."""
    code = getattr(exc, "code", None)
    if code in FILE_ERRORS:
        return "attachments"
    if code == "unknown_reference" or code == "reference_too_long":
        return "reference"
    if code in ("empty_subject", "subject_too_long"):
        return "subject"
    if code in ("empty_message", "message_too_long"):
        return "message"
    return None


def is_admin(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.is_company_admin)


def visible_requests(request: HttpRequest) -> QuerySet[Request]:
    return Request.objects.for_company(request.company).visible_to(
        request.user, is_company_admin=is_admin(request)
    )


def get_visible(request: HttpRequest, number: str) -> Request:
    return get_object_or_404(
        visible_requests(request).select_related("requester", "company__country"), number=number
    )


@app_view(APP)
def request_list(request: HttpRequest) -> HttpResponse:
    listing = Listing.build(
        request, REQUESTS, visible_requests(request).select_related("requester")
    )
    listing.page.object_list = with_message_counts(list(listing.page.object_list))
    return listing.render(
        "requests_inbox/request_list.html",
        "requests_inbox/_request_table.html",
        {
            "is_company_admin": is_admin(request),
            "request_charts": (
                request_charts(
                    listing.filterset.qs, request.company, timezone.localdate(), request=request
                )
                if is_admin(request)
                else []
            ),
        },
    )


def with_message_counts(rows: list[Request]) -> list[Request]:
    """Count the messages a customer sees for the page's rows only, in one query.

    (An annotation in the list query would be computed for every row skipped by
    OFFSET too: deep pages would get slower and slower.)"""
    counts = dict(
        Message.objects.filter(request__in=[r.pk for r in rows], internal=False)
        .order_by()
        .values_list("request")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        row.message_count = counts.get(row.pk, 0)
    return rows


@app_view(APP)
def request_export(request: HttpRequest) -> HttpResponse:
    """CSV or XLSX (`?format=`) of the current selection (same filters as the list);
    beyond EXPORT_DIRECT_MAX_ROWS a worker builds it (portal.jobs)."""
    fmt = export_format(request)
    filters = filter_params(request.GET)
    query = filters.urlencode()
    qs = filter_requests(visible_requests(request), filters)
    return export_or_job(
        request,
        fmt=fmt,
        queryset=qs,
        columns=COLUMNS,
        filename="my-requests",
        kind=EXPORT_KIND,
        params={"query": query},
        back=reverse("requests_inbox:list") + (f"?{query}" if query else ""),
        sheet=_("My requests"),
    )


def offered_topics(form: RequestForm, request: HttpRequest) -> RequestForm:
    """Topics of the applications the company's country offers, and "Other"."""
    country = request.company.country
    form.fields["category"].choices = [
        (value, label)
        for value, label in Topic.choices
        if value == Topic.OTHER or country.offers(value)
    ]
    return form


@app_view(APP)
def request_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = offered_topics(RequestForm(request.POST, request.FILES), request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = request_submit(
                    company=request.company,
                    user=request.user,
                    category=data["category"],
                    subject=data["subject"],
                    message=data["message"],
                    reference=data["reference"],
                    attachments=data["attachments"],
                )
            except ValidationError as exc:
                form.add_error(error_field(exc), exc)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your request %(number)s was sent; an acknowledgement is on its way by e-mail."
                    )
                    % {"number": created.number},
                )
                return redirect(created)
        files_again = bool(request.FILES)
    else:
        initial = {}
        category = request.GET.get("category", "")
        if category in Topic.values:
            initial["category"] = category
        reference = request.GET.get("reference", "")[:60]
        if reference:
            initial["reference"] = reference
        form = offered_topics(RequestForm(initial=initial), request)
        files_again = False

    return render(
        request,
        "requests_inbox/request_form.html",
        {"form": form, "files_again": files_again, "files_again_text": FILES_AGAIN},
    )


def detail_context(request: HttpRequest, obj: Request, **extra: Any) -> dict[str, Any]:
    """The request's page: its record (selectors.request_record) and the forms."""
    return {
        "object": obj,
        **request_record(request.company, obj),
        "reply_form": extra.pop("reply_form", None) or ReplyForm(),
        "rate_form": extra.pop("rate_form", None)
        or RateForm(initial={"rating": obj.rating or None}),
        "files_again_text": FILES_AGAIN,
        **extra,
    }


@app_view(APP)
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    obj = get_visible(request, number)
    return render(request, "requests_inbox/request_detail.html", detail_context(request, obj))


@app_view(APP)
@require_POST
def request_reply_view(request: HttpRequest, number: str) -> HttpResponse:
    obj = get_visible(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            request_customer_reply(
                request=obj,
                user=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(error_field(exc), exc)
        else:
            messages.success(request, _("Your reply was added to the request."))
            return redirect(obj)
    context = detail_context(request, obj, reply_form=form, files_again=bool(request.FILES))
    return render(request, "requests_inbox/request_detail.html", context, status=400)


@app_view(APP)
@require_POST
def request_close_view(request: HttpRequest, number: str) -> HttpResponse:
    obj = get_visible(request, number)
    try:
        request_close(request=obj, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request is closed. You can reopen it within 30 days."))
    return redirect(obj)


@app_view(APP)
@require_POST
def request_reopen_view(request: HttpRequest, number: str) -> HttpResponse:
    obj = get_visible(request, number)
    try:
        request_reopen(request=obj, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request is open again."))
    return redirect(obj)


@app_view(APP)
def request_rate_view(request: HttpRequest, number: str) -> HttpResponse:
    """GET (the e-mail link) shows the rating form; only the POST records anything."""
    obj = get_visible(request, number)
    if request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                request_rate(
                    request=obj,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect(obj)
    else:
        form = RateForm(initial={"rating": obj.rating or None, "comment": obj.rating_comment})
    return render(request, "requests_inbox/request_rate.html", {"object": obj, "form": form})


@app_view(APP)
def attachment_download(request: HttpRequest, number: str, file_id: str) -> HttpResponse:
    """A document of the conversation, only for someone who can see the request."""
    obj = get_visible(request, number)
    stored = get_object_or_404(
        StoredFile.objects.for_company(request.company)
        .filter(request_messages__request=obj, request_messages__internal=False)
        .distinct(),
        pk=file_id,
    )
    return serve(stored)
