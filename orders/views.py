"""Order Status Online pages: thin views behind the gate (guest lookup excepted).

Every read starts from `for_company(request.company)`; an order or report of
another company is a 404, exactly like a missing one.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import selectors, services
from orders.exports import ORDER_COLUMNS
from orders.filters import ORDERS, CappedPaginator
from orders.forms import GuestLookupForm, ReportEmailForm, SaveReportForm, ScheduleForm
from orders.guest import compact, guest_lookup
from orders.jobs import EXPORT_KIND, REPORT_FILE_KIND, export_selection
from orders.models import Order, ReportSchedule, SavedReport
from orders.report_files import download_response, table
from orders.reports import resolve_report
from portal import ratelimits
from portal.access import app_view, public_view
from portal.applications import App
from portal.client_address import client_ip
from portal.job_views import export_or_job
from portal.listing import Listing, export_format, filter_params
from portal.printing import page_size

log = logging.getLogger(__name__)


@app_view(App.ORDERS)
def order_list(request: HttpRequest) -> HttpResponse:
    listing = Listing.build(
        request,
        ORDERS,
        Order.objects.for_company(request.company),
        paginator=lambda selection: CappedPaginator(
            selection.for_listing(), page_size(request, ORDERS.page_size), selection
        ),
    )
    paginator = listing.page.paginator
    if paginator.capped:
        listing.count_override = _(
            "More than %(cap)s orders: the first %(cap)s are listed; narrow the filters "
            "or download the whole selection."
        ) % {"cap": number_format(paginator.cap, force_grouping=True)}
    query = listing.filterset.query_string()
    return listing.render(
        "orders/order_list.html",
        "orders/_order_results.html",
        {"orders": listing.page.object_list, "save_form": SaveReportForm(initial={"query": query})},
    )


@app_view(App.ORDERS)
def order_export(request: HttpRequest) -> HttpResponse:
    """The current selection (same filters as the list) as CSV or XLSX: ?format=csv|xlsx."""
    fmt = export_format(request)
    query = filter_params(request.GET).urlencode()
    return export_or_job(
        request,
        fmt=fmt,
        queryset=export_selection(request.company, query),
        columns=ORDER_COLUMNS,
        filename="orders",
        kind=EXPORT_KIND,
        params={"query": query},
        back=reverse("orders:list") + (f"?{query}" if query else ""),
        sheet=_("Orders"),
    )


@app_view(App.ORDERS)
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.for_company(request.company).select_related("country", "ship_to"),
        number=number,
    )
    shipments = order.shipments.select_related("carrier").prefetch_related("lines")
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "shipments": shipments,
            "timeline": order.status_changes.all(),
        },
    )


@app_view(App.ORDERS)
def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "orders/report_list.html", selectors.report_list(request.company, request.user)
    )


@app_view(App.ORDERS)
def report_detail(request: HttpRequest, key: str) -> HttpResponse:
    report = resolve_report(request.company, request.user, key)
    for error in report.errors:
        messages.warning(request, error)
    return render(
        request,
        "orders/report_detail.html",
        {
            "report": report,
            "schedule_form": ScheduleForm(),
            **table(report),
        },
    )


@app_view(App.ORDERS)
def report_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404
    report = resolve_report(request.company, request.user, key)
    if fmt == "pdf":  # at most PAGE_LIMIT rows: rendered at once and stored
        return download_response(report, fmt, company=request.company, language=get_language())
    return export_or_job(
        request,
        fmt=fmt,
        queryset=report.rows_queryset(),
        columns=report.columns,
        filename=report.filename(),
        kind=REPORT_FILE_KIND,
        params={"key": report.key},
        back=reverse("orders:report", kwargs={"key": report.key}),
        sheet=report.title,  # as the job's file and the e-mailed report: not "Export"
    )


@app_view(App.ORDERS)
@require_POST
def report_save(request: HttpRequest) -> HttpResponse:
    form = SaveReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.saved_report_create(
                company=request.company,
                owner=request.user,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The report “%(name)s” was saved.") % {"name": report.name})
            return redirect("orders:report", key=str(report.pk))
    else:
        messages.error(request, _("Give the report a name (100 characters at most)."))
    query = form.data.get("query", "")
    return redirect(f"{reverse('orders:list')}?{query}" if query else reverse("orders:list"))


@app_view(App.ORDERS)
@require_POST
def report_delete(request: HttpRequest, key: str) -> HttpResponse:
    if not key.isdigit() or len(key) > 18:
        raise Http404
    report = get_object_or_404(
        SavedReport.objects.for_company(request.company).visible_to(request.user), pk=int(key)
    )
    try:
        services.saved_report_delete(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:report", key=key)
    messages.success(request, _("The report was deleted."))
    return redirect("orders:reports")


@app_view(App.ORDERS)
def report_email(request: HttpRequest, key: str) -> HttpResponse:
    report = resolve_report(request.company, request.user, key)
    if request.method == "POST":
        form = ReportEmailForm(request.POST)
        if form.is_valid():
            try:
                job = services.report_email_request(
                    company=request.company,
                    sender=request.user,
                    report=report,
                    recipients=form.cleaned_data["recipients"],
                    fmt=form.cleaned_data["format"],
                    attach=form.cleaned_data["mode"] == "attach",
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The report is on its way."))
                return redirect(job)
    else:
        form = ReportEmailForm(initial={"recipients": request.user.email, "format": "pdf"})
    return render(request, "orders/report_email_form.html", {"report": report, "form": form})


@app_view(App.ORDERS)
@require_POST
def report_schedule(request: HttpRequest, key: str) -> HttpResponse:
    report = resolve_report(request.company, request.user, key)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.report_schedule_create(
                company=request.company,
                owner=request.user,
                report_key=report.key,
                frequency=form.cleaned_data["frequency"],
                fmt=form.cleaned_data["format"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The report will be sent to you by e-mail."))
    else:
        messages.error(request, _("Choose a frequency and a file format."))
    return redirect("orders:report", key=report.key)


@app_view(App.ORDERS)
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(
        ReportSchedule.objects.for_company(request.company).filter(owner=request.user), pk=pk
    )
    services.report_schedule_delete(schedule=schedule, user=request.user)
    messages.success(request, _("The schedule was stopped."))
    return redirect("orders:reports")


def _guest_limits(request: HttpRequest, customer_number: str) -> list:
    """Per client address and per (customer number, client address), never per customer
    number alone: nobody can use up a customer's lookups. Refused when Redis is down."""
    client = client_ip(request) or "unknown"
    per_client = ratelimits.Limit(
        "guest:client", settings.GUEST_LOOKUP_LIMIT_PER_IP, 60, ratelimits.REFUSE
    )
    per_customer = ratelimits.Limit(
        "guest:customer-client", settings.GUEST_LOOKUP_LIMIT_PER_CUSTOMER, 60, ratelimits.REFUSE
    )
    return [(per_client, (client,)), (per_customer, (compact(customer_number), client))]


@public_view
def guest_lookup_view(request: HttpRequest) -> HttpResponse:
    """Basic order status for guests; rate-limited, and silent about which part was wrong."""
    form = GuestLookupForm(request.POST or None)
    context: dict = {"form": form, "searched": False, "results": []}
    if request.method == "POST" and form.is_valid():
        customer_number = form.cleaned_data["customer_number"]
        try:
            verdict = ratelimits.hit(*_guest_limits(request, customer_number))
        except ratelimits.LimiterUnavailable as exc:
            log.warning("guest lookup limiter unavailable", extra={"error": str(exc)})
            response = render(request, "orders/guest_unavailable.html", status=503)
            response.headers["Retry-After"] = "60"
            return response
        if not verdict.allowed:
            response = render(
                request,
                "orders/guest_limited.html",
                {"retry_after": verdict.retry_after},
                status=429,
            )
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        context["searched"] = True
        context["results"] = guest_lookup(
            customer_number=customer_number,
            order_number=form.cleaned_data["order_number"],
            proof=form.cleaned_data["proof"],
        )
    response = render(request, "orders/guest_lookup.html", context)
    response.headers["Cache-Control"] = "private, no-store"
    return response
