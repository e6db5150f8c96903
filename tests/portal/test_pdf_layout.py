"""Every PDF of the demo, in French and in English, fits its page.

Each document is downloaded as its reader would (through its view), read back with
pypdf, and checked: no text lies outside the page box (what a printer cuts), and the
last column header of each of its tables is printed (a table that runs off the page
loses it first: the ageing's "Total open", a contract's SHA-256 column).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from contracts.models import Contract, Signature
from contracts.services import _signature_record_pdf
from invoices.models import Invoice
from orders.models import SavedReport
from orders.reports import STANDARD_REPORTS, resolve_report
from portal.applications import App
from portal.documents import render_pdf_bytes
from portal.models import Company, Role
from statements.models import CreditNote, LedgerEntry
from tests.conftest import get_following_job, login
from tests.factories.portal import member
from tests.pdf_layout import outside_page

pytestmark = pytest.mark.django_db

_THEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_TRANSLATE = re.compile(r'{%\s*translate\s+"([^"]+)"\s*%}')


def last_headers(template_name: str, language: str) -> list[str]:
    """The last column header of each table of a PDF template, in `language`."""
    source = get_template(template_name).template.source
    headers = []
    for block in _THEAD.findall(source):
        cells = _TH.findall(block)
        found = _TRANSLATE.search(cells[-1]) if cells else None
        if found:
            with translation.override(language):
                headers.append(translation.gettext(found.group(1)))
    return headers


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text) if w]


def check_pdf(label: str, data: bytes, headers: list[str]) -> list[str]:
    """What is wrong with one PDF ([] when it fits)."""
    problems = []
    reader = PdfReader(io.BytesIO(data))
    for run in outside_page(reader):
        problems.append(f"{label}: p.{run.page} text outside the page: {run.text.strip()[:60]!r}")
    text = " ".join(page.extract_text() for page in reader.pages)
    printed = set(_words(text))
    for header in headers:
        missing = [w for w in _words(header) if w not in printed]
        if missing:
            problems.append(f"{label}: last column header {header!r} not printed")
    return problems


@pytest.fixture
def demo(db, settings):
    settings.COMPANY_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())


def _download(client, url, params=None) -> bytes:
    response = get_following_job(client, url, params)  # statement PDFs are built by a job
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf", url
    return b"".join(response.streaming_content)


def _company_pdfs(client, company: Company, language: str):
    """(label, template, bytes, extra headers) of every PDF a reader of `company` downloads."""
    apps = set(company.country.apps)
    if App.INVOICES in apps:
        for invoice in Invoice.objects.for_company(company).order_by("number"):
            url = reverse("invoices:pdf", kwargs={"number": invoice.number})
            yield invoice.number, "pdf/invoices_invoice.html", _download(client, url), []
    if App.STATEMENTS in apps:
        for note in CreditNote.objects.for_company(company).order_by("number"):
            url = reverse("statements:credit_note_pdf", kwargs={"number": note.number})
            yield note.number, "pdf/statements_credit_note.html", _download(client, url), []
        ledgers = (
            LedgerEntry.objects.for_company(company)
            .order_by()
            .values_list("billing_account__number", "currency")
            .distinct()
        )
        for account, currency in sorted(set(ledgers)):
            url = reverse(
                "statements:statement_pdf", kwargs={"account": account, "currency": currency}
            )
            for params in ({"period": "this_year"}, {"period": "this_year", "sort": "-credit"}):
                yield (
                    f"statement {account} {currency} {params}",
                    "pdf/statements_statement.html",
                    _download(client, url, params),
                    [],
                )
    if App.CONTRACTS in apps:
        for contract in Contract.objects.for_company(company).order_by("number"):
            url = reverse("contracts:print", kwargs={"number": contract.number})
            yield contract.number, "pdf/contracts_summary.html", _download(client, url), []
    if App.ORDERS in apps:
        keys = list(STANDARD_REPORTS) + [
            str(pk) for pk in SavedReport.objects.for_company(company).values_list("pk", flat=True)
        ]
        user = client.session.get("_auth_user_id")
        for key in keys:
            url = reverse("orders:report_download", kwargs={"key": key, "fmt": "pdf"})
            response = client.get(url)
            if response.status_code == 404:  # a colleague's private report
                continue
            data = b"".join(response.streaming_content)
            with translation.override(language):
                from portal.models import User

                report = resolve_report(company, User.objects.get(pk=user), key)
                headers = [str(report.columns[-1].header)]
            yield f"report {key}", "pdf/orders_report.html", data, headers


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_demo_pdf_fits_its_page_and_prints_its_last_column(client, demo, language):
    problems: list[str] = []
    seen: dict[str, int] = {}
    for company in Company.objects.order_by("customer_number"):
        user = member(
            company,
            role=Role.VIEWER,
            email=f"pdf-{company.pk}-{language}@demo.test",
            preferred_language=language,
        )
        login(client, user, company)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        for label, template, data, extra in _company_pdfs(client, company, language):
            seen[template] = seen.get(template, 0) + 1
            headers = last_headers(template, language) + extra
            problems += check_pdf(f"{company.name} {label} ({language})", data, headers)
        client.logout()
    # the signature record, rendered at signing in the signer's language: one for the
    # current version of every demo contract, as if it were signed now, in both languages
    contracts = Contract.objects.filter(current_version__isnull=False).select_related(
        "current_version", "company"
    )
    for contract in contracts:
        version = contract.current_version
        signer = contract.company.memberships.select_related("user").first().user
        signature = Signature(
            company=contract.company,
            contract=contract,
            version=version,
            signer=signer,
            typed_name=signer.get_full_name() or signer.email,
            consent=True,
            signed_at=timezone.now(),
            ip_address="203.0.113.7",
            version_sha256=version.sha256,
        )
        signer.preferred_language = language  # the record speaks the signer's language
        data = _signature_record_pdf(contract, version, signature, attached=True)
        seen["pdf/contracts_signed.html"] = seen.get("pdf/contracts_signed.html", 0) + 1
        problems += check_pdf(
            f"signature record {contract.number} v{version.number} ({language})",
            data,
            last_headers("pdf/contracts_signed.html", language),
        )
        # and the contract's summary once signed: the signatures table with the SHA-256
        summary = {
            "contract": contract,
            "version": version,
            "steps": list(contract.steps.select_related("approver").order_by("order")),
            "signatures": [signature],
            "events": contract.events.order_by("seq"),
            "printed_at": timezone.now(),
        }
        data = render_pdf_bytes("pdf/contracts_summary.html", summary, language=language)
        problems += check_pdf(
            f"signed summary {contract.number} ({language})",
            data,
            last_headers("pdf/contracts_summary.html", language),
        )
        printed = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        if version.sha256 not in re.sub(r"\s+", "", printed):
            problems.append(f"signed summary {contract.number} ({language}): SHA-256 cut")
    assert problems == [], "\n".join(problems)
    assert set(seen) == {
        "pdf/invoices_invoice.html",
        "pdf/statements_credit_note.html",
        "pdf/statements_statement.html",
        "pdf/contracts_summary.html",
        "pdf/contracts_signed.html",
        "pdf/orders_report.html",
    }, seen


def test_the_check_sees_a_table_that_runs_off_the_page():
    """The checker itself: a too-wide table is reported, a fitting one is not."""
    from weasyprint import HTML

    # a header that may not wrap pushes the last column off the page (the ageing's bug)
    long = "Over 90 days overdue " * 6
    wide = f"<table><thead><tr><th style='white-space:nowrap'>{long}</th><th>Last</th></tr></thead></table>"
    narrow = "<table><thead><tr><th>A</th><th>Last</th></tr></thead></table>"
    assert check_pdf("wide", HTML(string=wide).write_pdf(), ["Last"])
    assert check_pdf("narrow", HTML(string=narrow).write_pdf(), ["Last"]) == []
    assert check_pdf("narrow", HTML(string=narrow).write_pdf(), ["Missing header"])
