"""Statements OnLine pages: thin views behind the gate.

Billing accounts, credit notes and payments are fetched through
`for_company(request.company)`: another company's account or document is a 404,
exactly like a missing one. The ledger reads are in `statements.ledger`.
"""

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from invoices.models import BillingAccount
from invoices.rendering import supplier
from portal.access import app_view
from portal.applications import App
from portal.documents import pdf_response
from portal.job_views import export_or_job, start_or_back
from portal.listing import Listing
from portal.printing import page_size
from statements.charts import ageing_chart, balance_charts
from statements.exports import EXPORT_COLUMNS
from statements.filters import STATEMENT, StatementFilter
from statements.jobs import EXPORT_KIND, PDF_KIND, export_sheet, job_params
from statements.ledger import StatementLines, StatementQuery, totals
from statements.models import CreditNote, LedgerEntry, Payment
from statements.statement import account_balances, statement_document_context

CURRENCY = re.compile(r"^[A-Z]{3}$")


@app_view(App.STATEMENTS)
def account_list(request: HttpRequest) -> HttpResponse:
    """The company's billing accounts with their balance in each currency."""
    return render(
        request,
        "statements/account_list.html",
        {
            "accounts": account_balances(request.company),
            "balance_charts": balance_charts(request.company, timezone.localdate()),
        },
    )


def _account(request: HttpRequest, number: str, currency: str) -> BillingAccount:
    """The company's account; a currency it has never used (or a malformed one) is a 404."""
    account = get_object_or_404(BillingAccount.objects.for_company(request.company), number=number)
    if not CURRENCY.match(currency):
        raise Http404
    if currency != account.currency and not (
        LedgerEntry.objects.for_company(request.company)
        .filter(billing_account=account, currency=currency)
        .exists()
    ):
        raise Http404
    return account


def _filtered(request: HttpRequest) -> StatementFilter:
    return STATEMENT.filterset(request.GET, queryset=LedgerEntry.objects.none())


@app_view(App.STATEMENTS)
def statement(request: HttpRequest, account: str, currency: str) -> HttpResponse:
    """The statement of one account and currency for a period, with running balance and ageing."""
    billing_account = _account(request, account, currency)
    filterset = _filtered(request)
    context: dict = {"account": billing_account, "currency": currency}
    lines: Any = None
    if filterset.form.is_valid():
        query = filterset.statement_query(
            company_id=request.company.pk, account_id=billing_account.pk, currency=currency
        )
        document = statement_document_context(query, today=timezone.localdate(), lines=False)
        lines = StatementLines(query, document["totals"].opening)
        context.update(
            document,
            query=query,
            sort_label=filterset.sort_label,
            ageing_chart=ageing_chart(document["ageing"], currency),
        )
    rows = lines if lines is not None else []
    listing = Listing.of(
        request, STATEMENT, filterset, Paginator(rows, page_size(request, STATEMENT.page_size))
    )
    if lines is not None:
        context["lines"] = listing.page.object_list
    return listing.render(
        "statements/statement_detail.html", "statements/_statement_results.html", context
    )


def _valid_query_or_redirect(request, billing_account, currency):
    filterset = _filtered(request)
    if not filterset.form.is_valid():
        messages.error(request, _("Correct the statement's dates before downloading it."))
        url = reverse(
            "statements:statement",
            kwargs={"account": billing_account.number, "currency": currency},
        )
        return None, redirect(f"{url}?{request.GET.urlencode()}")
    query = filterset.statement_query(
        company_id=request.company.pk, account_id=billing_account.pk, currency=currency
    )
    return query, None


def _filename(billing_account: BillingAccount, query: StatementQuery) -> str:
    return f"statement-{billing_account.number}-{query.currency}-{query.start:%Y%m%d}-{query.end:%Y%m%d}"


@app_view(App.STATEMENTS)
def statement_export(request: HttpRequest, account: str, currency: str, fmt: str) -> HttpResponse:
    """CSV (streamed) or XLSX of the statement lines for the chosen period and filters;
    beyond EXPORT_DIRECT_MAX_ROWS lines a worker builds it (portal.jobs)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    billing_account = _account(request, account, currency)
    query, stop = _valid_query_or_redirect(request, billing_account, currency)
    if stop is not None:
        return stop
    back = reverse("statements:statement", kwargs={"account": account, "currency": currency})
    return export_or_job(
        request,
        fmt=fmt,
        queryset=StatementLines(query, totals(query).opening),
        columns=EXPORT_COLUMNS,
        filename=_filename(billing_account, query),
        kind=EXPORT_KIND,
        params=job_params(query),
        back=f"{back}?{request.GET.urlencode()}",
        sheet=export_sheet(billing_account, currency),
    )


@app_view(App.STATEMENTS)
def statement_pdf(request: HttpRequest, account: str, currency: str) -> HttpResponse:
    """The statement document a finance team files, rendered by a worker (portal.jobs):
    the user follows it on the job page, then downloads it."""
    billing_account = _account(request, account, currency)
    query, stop = _valid_query_or_redirect(request, billing_account, currency)
    if stop is not None:
        return stop
    back = reverse("statements:statement", kwargs={"account": account, "currency": currency})
    return start_or_back(
        request,
        kind=PDF_KIND,
        params=job_params(query),
        total=1,
        back=f"{back}?{request.GET.urlencode()}",
    )


def _credit_note_context(request: HttpRequest, credit_note: CreditNote) -> dict[str, Any]:
    """What the credit note's PDF prints: its lines, net, tax per rate and total are the
    Factur-X document's (one source for the printed and the embedded figures)."""
    from invoices.facturx import credit_note_document

    return {
        "credit_note": credit_note,
        "document": credit_note_document(credit_note),
        "company": request.company,
        "supplier": supplier(request.company),
    }


@app_view(App.STATEMENTS)
def credit_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The copy of a credit note, built by the same document builder as invoices."""
    credit_note = get_object_or_404(
        CreditNote.objects.for_company(request.company).select_related(
            "billing_account", "invoice", "company"
        ),
        number=number,
    )
    language = get_language() or "en"
    return pdf_response(
        "pdf/statements_credit_note.html",
        _credit_note_context(request, credit_note),
        key=f"statements/credit-notes/{request.company.pk}/{credit_note.pk}",
        language=language,
        version=credit_note.document_version,
        filename=f"{credit_note.number}.pdf",
    )


@app_view(App.STATEMENTS)
def credit_note_facturx(request: HttpRequest, number: str) -> HttpResponse:
    """The credit note as Factur-X (PDF/A-3, EN 16931 XML, type 381) for AP software."""
    from invoices.facturx import credit_note_document, stored_facturx
    from portal.files import serve_storage

    credit_note = get_object_or_404(
        CreditNote.objects.for_company(request.company).select_related(
            "billing_account", "invoice", "company__country"
        ),
        number=number,
    )
    language = get_language() or "en"
    name = stored_facturx(
        key=f"statements/credit-notes/{request.company.pk}/{credit_note.pk}",
        version=credit_note.document_version,
        language=language,
        template="pdf/statements_credit_note.html",
        context=_credit_note_context(request, credit_note),
        document=lambda: credit_note_document(credit_note),
    )
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in credit_note.number)
    return serve_storage(
        name, filename=f"factur-x-{safe}.pdf", content_type="application/pdf", inline=False
    )


@app_view(App.STATEMENTS)
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A payment and the invoices it settles."""
    payment = get_object_or_404(
        Payment.objects.for_company(request.company).select_related("billing_account"),
        reference=reference,
    )
    allocations = list(payment.allocations.select_related("invoice").order_by("invoice__number"))
    allocated = sum((a.amount for a in allocations), start=payment.amount * 0)
    statement_url = reverse(
        "statements:statement",
        kwargs={"account": payment.billing_account.number, "currency": payment.currency},
    )
    period = urlencode(
        {"period": "custom", "start": payment.date.replace(day=1), "end": payment.date}
    )
    return render(
        request,
        "statements/payment_detail.html",
        {
            "payment": payment,
            "allocations": allocations,
            "allocated": allocated,
            "unallocated": payment.amount - allocated,
            "statement_url": f"{statement_url}?{period}",
        },
    )
