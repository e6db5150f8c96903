"""Statement PDFs, rendered by a worker through portal.jobs.

A statement is rendered for whatever period and filters the user chose, so its PDF is
not kept in the document store forever (one file per distinct search grew without
bound): it is the job's file, evicted with the job (JOBS_KEEP_HOURS, JOBS_KEEP_PER_USER).
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from invoices.models import BillingAccount
from invoices.rendering import supplier
from portal.applications import App
from portal.documents import render_pdf_bytes
from portal.files import PDF
from portal.jobs import ExportRows, JobKind, Progress, Result, export_kind
from portal.models import Job
from statements.exports import EXPORT_COLUMNS
from statements.ledger import StatementLines, StatementQuery, totals
from statements.statement import statement_document_context

PDF_KIND = "statements.pdf"
EXPORT_KIND = "statements.export"
TEMPLATE = "pdf/statements_statement.html"


def job_params(query: StatementQuery) -> dict:
    return {
        "account_id": query.account_id,
        "currency": query.currency,
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "q": query.q,
        "kind": query.kind,
        "status": query.status,
        "sort": query.sort,
    }


def filename(account: BillingAccount, query: StatementQuery) -> str:
    return f"statement-{account.number}-{query.currency}-{query.start:%Y%m%d}-{query.end:%Y%m%d}"


def _query(job: Job) -> tuple[BillingAccount, StatementQuery]:
    """The statement of the job's params, its account looked up in the job's company."""
    params = job.params
    account = BillingAccount.objects.for_company(job.company).get(pk=params["account_id"])
    return account, StatementQuery(
        company_id=job.company_id,
        account_id=account.pk,
        currency=params["currency"],
        start=date.fromisoformat(params["start"]),
        end=date.fromisoformat(params["end"]),
        q=params["q"],
        kind=params["kind"],
        status=params["status"],
        sort=params["sort"],
    )


def build_pdf(job: Job, progress: Progress) -> Result:
    account, query = _query(job)
    context = statement_document_context(query, today=timezone.localdate(), lines=True)
    context.update(
        company=job.company,
        account=account,
        currency=query.currency,
        supplier=supplier(job.company),
    )
    data = render_pdf_bytes(TEMPLATE, context, language=job.language)
    progress(1)
    return Result(data=data, name=f"{filename(account, query)}.pdf", content_type=PDF)


def export_sheet(account: BillingAccount, currency: str) -> str:
    return _("Statement %(account)s %(currency)s") % {
        "account": account.number,
        "currency": currency,
    }


def export_rows(job: Job) -> ExportRows:
    """The statement lines as CSV or XLSX beyond the direct-download size."""
    account, query = _query(job)
    return ExportRows(
        rows=StatementLines(query, totals(query).opening).iterator(),
        columns=EXPORT_COLUMNS,
        name=filename(account, query),
        sheet=export_sheet(account, query.currency),
    )


def _statement(job: Job) -> str:
    account = (
        BillingAccount.objects.for_company(job.company).filter(pk=job.params["account_id"]).first()
    )
    if account is None:
        return reverse("statements:list")
    url = reverse(
        "statements:statement",
        kwargs={"account": account.number, "currency": job.params["currency"]},
    )
    period = {"period": "custom", "start": job.params["start"], "end": job.params["end"]}
    return f"{url}?{urlencode(period)}"


KINDS = [
    JobKind(
        key=PDF_KIND,
        app=App.STATEMENTS,
        title=_("Statement (PDF)"),
        build=build_pdf,
        retry_hint=_(
            "The statement could not be prepared. Please try again, or choose a shorter period."
        ),
        back=_statement,
    ),
    export_kind(
        key=EXPORT_KIND,
        app=App.STATEMENTS,
        title=_("Statement lines spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or choose a shorter "
            "period or narrower filters."
        ),
        back=_statement,
    ),
]
