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
