"""Pages of Invoices On-Line. Thin: a form checks shape, one service changes state."""

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices import approval, disputes, rendering, selectors
from invoices.charts import due_charts
from invoices.copies import invoice_send_copy, share_link_open, share_link_revoke
from invoices.filters import INVOICES
from invoices.forms import CopyForm, DecisionForm, DisputeForm
from invoices.jobs import EXPORT_KIND, export_selection
from invoices.models import ApprovalStatus, Invoice, ShareLink
from invoices.sellers import seller_for
from invoices.zip_jobs import MAX_ZIP_INVOICES, invoice_zip_start, zip_direct_max, zip_stream
from portal.access import app_view, has_app_role, public_view
from portal.applications import App
from portal.company_cache import company_cached
from portal.job_views import export_or_job
from portal.listing import Listing, export_format, filter_params
from portal.models import Role
from portal.references import resolve_reference


def approval_label(invoice: Invoice) -> Any:
    if getattr(invoice, "is_disputed", False):
        return ApprovalStatus.DISPUTED.label
    return invoice.get_approval_status_display()


def _scoped(request: HttpRequest):
    return Invoice.objects.for_company(request.company)


def _language() -> str:
    return translation.get_language() or "en"


def _selection_key(request: HttpRequest) -> str:
    """The filters of the request (not its page or sort), as a short stable key."""
    params = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if key not in ("page", "sort")
        for value in values
    )
    return hashlib.sha256(urlencode(params).encode()).hexdigest()[:32]


@app_view(App.INVOICES)
def invoice_list(request: HttpRequest) -> HttpResponse:
    totals: list[dict[str, Any]] = []

    def counted(filterset: Any) -> int:
        """Totals per currency (cached per selection); they count: no second COUNT(*)."""
        selection = filterset.qs
        totals[:] = company_cached(
            request.company.pk,
            f"invoice-totals:{_selection_key(request)}",
            lambda: list(
                selection.order_by()
                .values("currency")
                .annotate(
                    count=Count("*"),
                    sum_total=Sum("total"),
                    sum_open=Sum(F("total") - F("amount_paid")),
                )
                .order_by("currency")
            ),
        )
        return sum(row["count"] for row in totals)

    listing = Listing.build(
        request,
        INVOICES,
        _scoped(request),
        rows=lambda selection: selectors.with_dispute(selection).select_related("billing_account"),
        count=counted,
    )
    return listing.render(
        "invoices/invoice_list.html",
        "invoices/_results.html",
        {
            "totals": totals,
            "count": listing.count,
            "zip_direct_max": zip_direct_max(),
            "due_charts": due_charts(listing.filterset.qs, timezone.localdate(), request=request),
        },
    )


@app_view(App.INVOICES)
def invoice_export(request: HttpRequest) -> HttpResponse:
    """The current selection (same filters as the list); ?format=csv|xlsx, ?lines=1 per
    line. Beyond EXPORT_DIRECT_MAX_ROWS rows a worker builds the file (portal.jobs)."""
    fmt = export_format(request)
    filters = filter_params(request.GET, "lines")
    params: dict[str, Any] = {"query": filters.urlencode()}
    if request.GET.get("lines") == "1":
        params["lines"] = True
    rows, columns, filename = export_selection(request.company, params)
    return export_or_job(
        request,
        fmt=fmt,
        queryset=rows,
        columns=columns,
        filename=filename,
        kind=EXPORT_KIND,
        params=params,
        back=reverse("invoices:list") + (f"?{params['query']}" if filters else ""),
        sheet=_("Invoice lines") if params.get("lines") else _("Invoices"),
    )


@app_view(App.INVOICES)
@require_POST
def zip_selection(request: HttpRequest) -> HttpResponse:
    numbers = [n for n in request.POST.getlist("numbers") if n][:MAX_ZIP_INVOICES]
    back = reverse("invoices:list") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not numbers:
        messages.error(request, _("Please select at least one invoice."))
        return redirect(back)
    invoices = selectors.selected_invoices(request.company, numbers)
    if len(numbers) <= zip_direct_max():
        chosen = list(invoices)
        if not chosen:
            raise Http404
        response = StreamingHttpResponse(
            zip_stream(chosen, language=_language()), content_type="application/zip"
        )
        response.headers["Content-Disposition"] = 'attachment; filename="invoices.zip"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    try:
        job = invoice_zip_start(
            company=request.company, user=request.user, numbers=numbers, language=_language()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("Your ZIP of %(count)s invoices is being prepared; we will e-mail you when it is ready.")
        % {"count": job.total},
    )
    return redirect(job)


def _invoice(request: HttpRequest, number: str) -> Invoice:
    """The company's invoice (another company's number is a 404), with `is_disputed`."""
    return get_object_or_404(
        selectors.with_dispute(_scoped(request)).select_related(
            "billing_account", "company", "decided_by"
        ),
        number=number,
    )


def _reference_url(company: Any, kind: str, text: str) -> str:
    if not text:
        return ""
    target = resolve_reference(company, kind, text)
    url = getattr(target, "get_absolute_url", None)
    return url() if callable(url) else ""


@app_view(App.INVOICES)
def invoice_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail_page(request, _invoice(request, number))


def _detail_page(
    request: HttpRequest, invoice: Invoice, decision_form: DecisionForm | None = None
) -> HttpResponse:
    """The invoice page; with a decision form in error, shown again with its message (400)."""
    lines = list(invoice.lines.all())
    is_admin = bool(request.membership and request.membership.is_company_admin)
    links = invoice.share_links.select_related("created_by")
    if not is_admin:
        links = links.filter(created_by=request.user)
    can_approve = has_app_role(request.user, request.company, App.INVOICES, Role.APPROVER)
    disputes = selectors.dispute_requests(invoice)
    open_dispute = next((d for d in disputes if d.status != "closed"), None)
    disputed_lines = {
        int(line["position"])
        for line in ((open_dispute.payload or {}).get("lines", []) if open_dispute else [])
    }
    context = {
        "invoice": invoice,
        "lines": lines,
        "disputes": disputes,
        "open_dispute": open_dispute,
        "disputed_lines": disputed_lines,
        "ship_to": rendering.delivery_address(invoice),
        **selectors.settlements(invoice),
        "taxes": rendering.tax_breakdown(lines),
        # Sales tax (US) or VAT, worded as on the PDF: the scheme of the issuing entity.
        "tax_scheme": seller_for(invoice.country.code)["tax_scheme"],
        "history": invoice.events.select_related("actor")[:50],
        "links": links[:50],
        "can_approve": can_approve,
        "can_decide": can_approve
        and invoice.approval_status == ApprovalStatus.TO_VERIFY
        and not invoice.is_disputed,
        "decision_form": decision_form or DecisionForm(initial={"version": invoice.version}),
        "order_url": _reference_url(request.company, "orders", invoice.order_number),
        "contract_url": _reference_url(request.company, "contracts", invoice.contract_number),
        "approval_label": approval_label(invoice),
    }
    status = 400 if decision_form is not None and decision_form.errors else 200
    return render(request, "invoices/invoice_detail.html", context, status=status)


@app_view(App.INVOICES)
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    invoice = get_object_or_404(
        _scoped(request).select_related("company", "billing_account"), number=number
    )
    return rendering.invoice_pdf_response(invoice, language=_language(), inline=True)


@app_view(App.INVOICES)
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    invoice = get_object_or_404(
        _scoped(request).select_related("company", "billing_account"), number=number
    )
    return rendering.invoice_pdf_response(invoice, language=_language(), inline=False)


@app_view(App.INVOICES)
def invoice_facturx(request: HttpRequest, number: str) -> HttpResponse:
    """The invoice for accounts-payable software: PDF/A-3 with its EN 16931 XML."""
    invoice = get_object_or_404(
        _scoped(request).select_related("company__country", "billing_account", "country"),
        number=number,
    )
    return rendering.facturx_response(invoice, language=_language())


@app_view(App.INVOICES)
def invoice_copy(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _invoice(request, number)
    form = CopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_send_copy(
                invoice=invoice,
                user=request.user,
                recipients=form.cleaned_data["recipients"],
                message=form.cleaned_data["message"],
                mode=form.cleaned_data["mode"],
                language=_language(),
            )
        except ValidationError as exc:
            form.add_error(
                "recipients" if exc.code in ("bad_address", "no_address", "too_many") else None,
                exc,
            )
        else:
            messages.success(
                request,
                _("The copy of invoice %(number)s is on its way.") % {"number": invoice.number},
            )
            return redirect(invoice)
    return render(request, "invoices/invoice_copy.html", {"invoice": invoice, "form": form})


@app_view(App.INVOICES)
@require_POST
def revoke_link(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    invoice = get_object_or_404(_scoped(request), number=number)
    links = ShareLink.objects.filter(invoice=invoice)
    if not (request.membership and request.membership.is_company_admin):
        links = links.filter(created_by=request.user)
    link = get_object_or_404(links, pk=pk)
    share_link_revoke(invoice=invoice, link_id=link.pk, user=request.user)
    messages.success(
        request, _("The link sent to %(address)s no longer works.") % {"address": link.recipient}
    )
    return redirect(invoice)


@app_view(App.INVOICES, role=Role.APPROVER)
@require_POST
def invoice_decide(request: HttpRequest, number: str) -> HttpResponse:
    invoice = get_object_or_404(_scoped(request), number=number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose to approve or to reject."))
        return redirect(invoice)
    try:
        decided = approval.invoice_decide(
            company=request.company,
            number=invoice.number,
            user=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        if exc.code == "comment_required":  # the comment field says what is missing
            form.add_error("comment", exc)
            return _detail_page(request, _invoice(request, number), decision_form=form)
        messages.error(request, " ".join(exc.messages))
        return redirect(invoice)
    if decided.approval_status == ApprovalStatus.APPROVED:
        messages.success(request, _("Invoice %(number)s is approved.") % {"number": invoice.number})
    else:
        messages.success(request, _("Invoice %(number)s is rejected.") % {"number": invoice.number})
    return redirect(invoice)


@app_view(App.INVOICES, role=Role.APPROVER)
def invoice_dispute(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _invoice(request, number)
    form = DisputeForm(request.POST or None, request.FILES or None, invoice=invoice)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            dispute = disputes.invoice_dispute(
                company=request.company,
                number=invoice.number,
                user=request.user,
                reason=form.cleaned_data["reason"],
                line_positions=[int(p) for p in form.cleaned_data["lines"]],
                attachments=[upload] if upload else [],
            )
        except ValidationError as exc:
            form.add_error(
                "attachment" if exc.code in ("too_large", "empty", "bad_type") else None, exc
            )
        else:
            messages.success(
                request,
                _(
                    "Your dispute is registered as request %(request)s; customer service will answer it."
                )
                % {"request": dispute.number},
            )
            return redirect(invoice)
    return render(request, "invoices/invoice_dispute.html", {"invoice": invoice, "form": form})


# --- the public share link ----------------------------------------------------------------


def _shared_or_gone(
    request: HttpRequest, token: str
) -> tuple[ShareLink | None, HttpResponse | None]:
    link, state = share_link_open(token=token)
    if state == "ok":
        return link, None
    status = 410 if state in ("revoked", "expired", "closed") else 404
    response = render(request, "invoices/shared_gone.html", {"state": state}, status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return None, response


@public_view
def shared(request: HttpRequest, token: str) -> HttpResponse:
    link, gone = _shared_or_gone(request, token)
    if gone is not None:
        return gone
    response = render(
        request, "invoices/shared.html", {"link": link, "invoice": link.invoice, "token": token}
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@public_view
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link, gone = _shared_or_gone(request, token)
    if gone is not None:
        return gone
    inline = request.GET.get("download") != "1"
    response = rendering.invoice_pdf_response(link.invoice, language=_language(), inline=inline)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
