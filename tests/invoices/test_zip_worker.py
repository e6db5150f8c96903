"""A large ZIP asked for while the broker is down: the request succeeds, the job waits,
and the sweep hands it to a real Celery worker once Redis is back (no job is lost)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse

import invoices.tasks  # noqa: F401 (registers the tasks the worker runs)
from invoices.models import ZipJob
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
    job = ZipJob.objects.get()
    assert job.status == ZipJob.Status.PENDING
    assert "Download the ZIP" not in client.get(response.url).text

    ZipJob.objects.update(created_at=job.created_at - timedelta(minutes=6))
    back = celery_app(REDIS_URL, queue_name)
    with using(back), worker(back):
        back.send_task("invoices.tasks.zip_sweep")  # what beat does every five minutes
        assert wait_for(
            lambda: (
                ZipJob.objects.get().status == ZipJob.Status.READY
                and any("ZIP" in m.subject for m in mailoutbox)
            )
        ), "the sweep did not get the waiting ZIP built"

    page = client.get(response.url)
    assert "Download the ZIP" in page.text
    download = client.get(response.url + "download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 2
