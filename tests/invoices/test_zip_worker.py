"""A large ZIP built by a real Celery worker: the page shows "N of M" progress until the
download link; asked for while the broker is down, the sweep hands it over once Redis is
back (no job is lost)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse

import invoices.tasks  # noqa: F401 (registers the app's tasks)
from portal.models import Job
from tests.conftest import login
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory
from tests.portal.conftest import closed_port
from tests.portal.test_worker import (
    _REDIS_DOWN,
    REDIS_URL,
    WORKER_DB,
    celery_app,
    queue_name,  # noqa: F401 (fixture)
    using,
    wait_for,
    worker,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_REDIS_DOWN is not None, reason=f"no Redis at {REDIS_URL}"),
]


def test_a_zip_job_reports_progress_until_its_download(
    client,
    company,
    settings,
    mailoutbox,
    queue_name,  # noqa: F811
):
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    user = member(company, email="zipper@acme.test")
    login(client, user, company)
    numbers = [InvoiceFactory(company=company).number for _ in range(6)]

    app = celery_app(REDIS_URL, queue_name)
    with using(app):
        response = client.post(reverse("invoices:zip_selection"), {"numbers": numbers})
        assert response.status_code == 302
        job = Job.objects.get()
        assert response.url == reverse("portal:job", args=[job.pk])
        page = client.get(response.url)
        assert "Waiting" in page.text and "0 of 6" in page.text
        assert 'hx-trigger="every 2s"' in page.text  # htmx polls the state
        assert 'http-equiv="refresh"' in page.text  # and without JavaScript, the page reloads

        seen: set[int] = set()
        with worker(app):

            def finished() -> bool:
                row = Job.objects.get()
                seen.add(row.done)
                return row.state == Job.State.DONE

            assert wait_for(finished), "the worker did not finish the ZIP"
            # the "ready" e-mail is a task of its own, sent just after the job is done
            assert wait_for(lambda: any("ZIP" in m.subject for m in mailoutbox)), "no e-mail"

    assert seen - {0, 6}, f"no intermediate progress was recorded: {sorted(seen)}"
    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert "<html" not in polled.text  # the fragment htmx swaps in
    assert "hx-trigger" not in polled.text  # finished: polling stops
    assert "Ready" in polled.text and response.url + "download/" in polled.text
    download = client.get(response.url + "download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 6
    assert any("ZIP" in m.subject for m in mailoutbox)


def test_a_zip_asked_for_during_a_broker_outage_is_built_after_the_sweep(
    client,
    company,
    settings,
    mailoutbox,
    queue_name,  # noqa: F811
):
    settings.INVOICE_ZIP_DIRECT_MAX = 1
    user = member(company, email="zipper@acme.test")
    login(client, user, company)
    numbers = [InvoiceFactory(company=company).number for _ in range(2)]

    down = celery_app(f"redis://127.0.0.1:{closed_port()}/{WORKER_DB}", queue_name)
    with using(down):
        response = client.post(reverse("invoices:zip_selection"), {"numbers": numbers})
    assert response.status_code == 302, "the outage must not fail the user's request"
    job = Job.objects.get()
    assert job.state == Job.State.QUEUED
    assert "download/" not in client.get(response.url).text

    Job.objects.update(created_at=job.created_at - timedelta(minutes=6))
    back = celery_app(REDIS_URL, queue_name)
    with using(back), worker(back):
        back.send_task("portal.tasks.jobs_sweep")  # what beat does every five minutes
        assert wait_for(
            lambda: (
                Job.objects.get().state == Job.State.DONE
                and any("ZIP" in m.subject for m in mailoutbox)
            )
        ), "the sweep did not get the waiting ZIP built"

    page = client.get(response.url)
    assert response.url + "download/" in page.text
    download = client.get(response.url + "download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 2
