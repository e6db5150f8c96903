"""Issue 14, item 6: exports and ZIPs without quotas held web workers for half a minute.

Whole-table exports beyond EXPORT_DIRECT_MAX_ROWS no longer run in the request: a job is
started and the user follows it. A user (and a company) may have only a few jobs waiting
or running; another one is refused with a clear message. A job is its owner's only.
"""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from portal import jobs
from portal.models import Job, Role, StoredFile
from tests.conftest import login
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory
from tests.statements.conftest import ledger  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_a_whole_table_export_beyond_the_threshold_becomes_a_job(
    client, company, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIRECT_MAX_ROWS = 3
    user = member(company, role=Role.VIEWER)
    login(client, user, company)
    for _ in range(5):
        InvoiceFactory(company=company)

    with django_capture_on_commit_callbacks(execute=True):  # eager: the worker runs now
        response = client.get(reverse("invoices:export"), {"fmt": "csv"})
    assert response.status_code == 302, "the whole table was streamed inside the request"
    job = Job.objects.get()
    assert response.url == reverse("portal:job", args=[job.pk])
    assert (job.kind, job.total, job.state) == ("invoices.export", 5, Job.State.DONE)
    page = client.get(response.url)
    assert "Ready" in page.text
    body = b"".join(client.get(response.url + "download/").streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 1 + 5

    # a small selection still downloads at once
    settings.EXPORT_DIRECT_MAX_ROWS = 10
    assert client.get(reverse("invoices:export"), {"fmt": "xlsx"}).status_code == 200


def _followed_to_its_file(client, response, kind, total):
    """The export became a job, the eager worker built it: its CSV, line by line."""
    assert response.status_code == 302, "the whole selection was streamed inside the request"
    job = Job.objects.get()
    assert response.url == reverse("portal:job", args=[job.pk])
    assert (job.kind, job.total, job.state) == (kind, total, Job.State.DONE)
    assert "Ready" in client.get(response.url).text
    body = b"".join(client.get(response.url + "download/").streaming_content)
    return body.decode("utf-8-sig").strip().splitlines()


def test_a_contracts_export_beyond_the_threshold_becomes_a_job(
    client, company, settings, django_capture_on_commit_callbacks
):
    from contracts.models import ContractStatus
    from tests.contracts.factories import ContractFactory

    settings.EXPORT_DIRECT_MAX_ROWS = 3
    login(client, member(company, role=Role.VIEWER), company)
    for i in range(5):
        ContractFactory(company=company, number=f"K-{i}", status=ContractStatus.ACTIVE)
    ContractFactory(company=company, number="K-DRAFT", status=ContractStatus.DRAFT)
    ContractFactory(number="K-OTHER", status=ContractStatus.ACTIVE)  # another company's

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("contracts:export"), {"format": "csv", "status": "active"})
    lines = _followed_to_its_file(client, response, "contracts.export", 5)
    assert len(lines) == 1 + 5
    assert not any("K-DRAFT" in line or "K-OTHER" in line for line in lines)

    settings.EXPORT_DIRECT_MAX_ROWS = 10  # a small selection still downloads at once
    assert client.get(reverse("contracts:export"), {"format": "xlsx"}).status_code == 200


def test_a_my_requests_export_beyond_the_threshold_becomes_a_job(
    client, company, settings, django_capture_on_commit_callbacks
):
    from requests_inbox.services import request_submit

    settings.EXPORT_DIRECT_MAX_ROWS = 3
    user = member(company, role=Role.VIEWER)
    colleague = member(company, role=Role.VIEWER)
    login(client, user, company)
    numbers = [
        request_submit(
            company=company, user=user, category="other", subject=f"Toner {i}", message="Hi"
        ).number
        for i in range(5)
    ]
    theirs = request_submit(
        company=company, user=colleague, category="other", subject="Theirs", message="Hi"
    ).number

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("requests_inbox:export"), {"fmt": "csv"})
    lines = _followed_to_its_file(client, response, "requests_inbox.export", 5)
    assert len(lines) == 1 + 5
    assert all(any(n in line for line in lines) for n in numbers)
    assert not any(theirs in line for line in lines)  # a colleague's stays theirs, also here

    settings.EXPORT_DIRECT_MAX_ROWS = 10
    assert client.get(reverse("requests_inbox:export"), {"fmt": "xlsx"}).status_code == 200


def test_a_statement_lines_export_beyond_the_threshold_becomes_a_job(
    client,
    company,
    ledger,  # noqa: F811 (the fixture)
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EXPORT_DIRECT_MAX_ROWS = 3
    login(client, member(company, role=Role.VIEWER), company)
    url = reverse(
        "statements:statement_export", kwargs={"account": "BA-100", "currency": "EUR", "fmt": "csv"}
    )
    feb = {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, feb)
    lines = _followed_to_its_file(client, response, "statements.export", 5)
    assert [line.split(",")[2] for line in lines[1:6]] == [
        "INV-3",
        "CN-1",
        "CN-2",
        "PAY-1",
        "PAY-3",
    ]
    assert lines[5].split(",")[9] == "1050.00"  # the running balance, as on the page

    settings.EXPORT_DIRECT_MAX_ROWS = 10
    assert client.get(url.replace("/csv/", "/xlsx/"), feb).status_code == 200


def test_a_user_cannot_queue_more_than_the_cap(client, company, settings):
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    settings.JOBS_MAX_ACTIVE_PER_USER = 2
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    user = member(company, role=Role.VIEWER)
    login(client, user, company)
    numbers = [InvoiceFactory(company=company).number for _ in range(3)]

    for _ in range(2):  # the jobs wait: nothing runs them in this test
        assert (
            client.post(reverse("invoices:zip_selection"), {"numbers": numbers}).status_code == 302
        )
    refused = client.post(reverse("invoices:zip_selection"), {"numbers": numbers}, follow=True)
    assert Job.objects.count() == 2
    assert "You already have 2 files being prepared" in refused.text
    export = client.get(reverse("invoices:export"), {"fmt": "csv"}, follow=True)
    assert Job.objects.count() == 2
    assert "You already have 2 files being prepared" in export.text

    # in French too
    user.preferred_language = "fr"
    user.save()
    refused = client.post(reverse("invoices:zip_selection"), {"numbers": numbers}, follow=True)
    assert "fichiers en préparation" in refused.text


def test_a_company_cannot_queue_more_than_its_cap(client, company, settings):
    settings.JOBS_MAX_ACTIVE_PER_USER = 5
    settings.JOBS_MAX_ACTIVE_PER_COMPANY = 3
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    numbers = [InvoiceFactory(company=company).number for _ in range(2)]
    for _ in range(3):
        colleague = member(company, role=Role.VIEWER)
        login(client, colleague, company)
        client.post(reverse("invoices:zip_selection"), {"numbers": numbers})
    assert Job.objects.count() == 3
    login(client, member(company, role=Role.VIEWER), company)
    refused = client.post(reverse("invoices:zip_selection"), {"numbers": numbers}, follow=True)
    assert Job.objects.count() == 3
    assert "Your company already has 3 files being prepared" in refused.text


def test_a_colleagues_job_is_a_404(client, company, settings, django_capture_on_commit_callbacks):
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    owner = member(company, role=Role.VIEWER)
    login(client, owner, company)
    numbers = [InvoiceFactory(company=company).number for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(reverse("invoices:zip_selection"), {"numbers": numbers}).url
    assert client.get(url + "download/").status_code == 200
    login(client, member(company, role=Role.APPROVER), company)
    assert client.get(url).status_code == 404
    assert client.get(url + "download/").status_code == 404
    assert url not in client.get(reverse("portal:jobs")).text


def test_finished_files_are_evicted(company, settings, tmp_path):
    user = member(company, role=Role.VIEWER)
    from portal.files import ZIP, store_bytes

    stored = store_bytes(
        b"PK\x05\x06" + b"\0" * 18, name="x.zip", content_type=ZIP, company=company
    )
    Job.objects.create(
        company=company,
        user=user,
        kind="invoices.zip",
        state=Job.State.DONE,
        file=stored,
        finished_at=timezone.now() - timedelta(hours=settings.JOBS_KEEP_HOURS + 1),
    )
    assert default_storage.exists(stored.storage_name)
    jobs.jobs_sweep()
    assert not Job.objects.exists()
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert not default_storage.exists(stored.storage_name)


def test_statement_pdfs_of_every_search_are_not_kept_forever(
    client, company, settings, django_capture_on_commit_callbacks
):
    """Each distinct search rendered a PDF kept in the document store for ever; now the
    PDF is a job's file, and a user keeps at most JOBS_KEEP_PER_USER of them."""
    from invoices.models import BillingAccount

    settings.JOBS_KEEP_PER_USER = 2
    user = member(company, role=Role.VIEWER)
    login(client, user, company)
    account = BillingAccount.objects.create(company=company, number="BA-1", currency="EUR")
    url = reverse("statements:statement_pdf", kwargs={"account": "BA-1", "currency": "EUR"})
    for query in ("a", "b", "c", "d"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url, {"q": query})
        assert response.status_code == 302
    assert Job.objects.filter(kind="statements.pdf").count() <= 3  # 2 kept + the newest
    assert StoredFile.objects.filter(company=company).count() <= 3
    assert not default_storage.exists("documents/statements") or not any(
        default_storage.listdir(f"documents/statements/{company.pk}")[1]
    )
    assert account.pk
