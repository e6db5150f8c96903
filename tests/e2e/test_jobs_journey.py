"""Long work the user can follow: a ZIP of many invoices is built by a real Celery worker
while its page shows "N of M" and polls (htmx); the download link appears without a
reload, and the file holds every PDF. "My files" lists it afterwards."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

import invoices.tasks  # noqa: F401 (registers the app's tasks)
from portal.models import Job
from tests.e2e.browsing import sign_in
from tests.invoices.factories import InvoiceFactory
from tests.portal.test_worker import (
    _REDIS_DOWN,
    REDIS_URL,
    celery_app,
    queue_name,  # noqa: F401 (fixture)
    using,
    worker,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(_REDIS_DOWN is not None, reason=f"no Redis at {REDIS_URL}"),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_a_zips_progress_reaches_its_download(
    page,
    live_server,
    e2e_world,
    media,
    settings,
    queue_name,  # noqa: F811
):
    settings.INVOICE_ZIP_DIRECT_MAX = 2
    for index in range(8):
        InvoiceFactory(company=e2e_world.company, number=f"F-2026-0009{index:02d}")
    app = celery_app(REDIS_URL, queue_name)
    with using(app):
        sign_in(page, live_server, e2e_world.viewer.email)
        page.get_by_role("link", name="Invoices On-Line").first.click()
        expect(page.locator(".invoice-list tbody tr")).to_have_count(8)
        for box in page.locator(".invoice-list tbody input[type=checkbox]").all():
            box.check()
        page.get_by_role("button", name="Download the selected invoices (ZIP of PDFs)").click()

        # no worker yet: the job waits, the page says so and keeps polling
        expect(page.get_by_role("heading", level=1)).to_have_text("ZIP of invoices")
        expect(page.locator("#job-status [role=status]")).to_contain_text("Waiting — 0 of 8")
        expect(page.locator("progress")).to_have_attribute("max", "8")
        page.evaluate("window.__sameDocument = true")  # a reload would lose it

        with worker(app):
            link = page.get_by_role("link", name="Download invoices-")
            expect(link).to_be_visible(timeout=60_000)
        assert page.evaluate("window.__sameDocument") is True, "htmx did not swap the state"
        expect(page.locator("#job-status [role=status]")).to_contain_text("Ready")

        with page.expect_download() as info:
            link.click()
        with open(info.value.path(), "rb") as fh:
            archive = zipfile.ZipFile(io.BytesIO(fh.read()))
        assert len(archive.namelist()) == 8

        page.goto(f"{live_server.url}/files/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My files")
        expect(page.locator("table")).to_contain_text("ZIP of invoices")
        expect(page.locator("table")).to_contain_text("Ready")
    assert Job.objects.get().state == Job.State.DONE


def test_in_french_the_job_page_my_files_and_the_report_refusal(
    page, live_server, e2e_world, media, settings
):
    """Without a separate worker (embedded: the job runs as the request commits), in French:
    the ZIP's page offers the download; a report to an outside address is refused until
    the company administrator allows its domain."""
    from tests.e2e.browsing import switch_language, url_for

    settings.INVOICE_ZIP_DIRECT_MAX = 1
    for index in range(3):
        InvoiceFactory(company=e2e_world.company, number=f"F-2026-0008{index:02d}")
    sign_in(page, live_server, e2e_world.approver.email)
    switch_language(page, "fr")
    page.goto(url_for(live_server, "invoices:list"))
    for box in page.locator(".invoice-list tbody input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Télécharger les factures sélectionnées (ZIP de PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ZIP de factures")
    expect(page.locator("#job-status [role=status]")).to_contain_text("Prêt")
    expect(page.get_by_role("link", name="Télécharger invoices-")).to_be_visible()
    page.get_by_role("link", name="Mes fichiers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes fichiers")
    expect(page.locator("table")).to_contain_text("ZIP de factures")

    report = url_for(live_server, "orders:report_email", key="open-orders")
    page.goto(report)
    page.get_by_label("Destinataires").fill("quelquun@cabinet.example")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("aux collègues de votre société")

    page.goto(url_for(live_server, "portal:my_company"))
    page.get_by_label("Domaines extérieurs auxquels envoyer des rapports").fill("cabinet.example")
    page.get_by_role("button", name="Enregistrer les domaines").click()
    expect(page.locator(".messages")).to_contain_text("Les domaines autorisés ont été enregistrés.")

    page.goto(report)
    page.get_by_label("Destinataires").fill("quelquun@cabinet.example")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoi de rapport")
    expect(page.locator("#job-status [role=status]")).to_contain_text("Prêt")
