"""Files live in the bucket, never on a node: an upload through node 1 downloads through
node 2 (a short-lived signed URL, after the gate), a PDF rendered by one node is reused
by the other, a ZIP job handed over three times is built once."""

import io
import re
import zipfile
from email import message_from_bytes
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from invoices.models import Invoice
from portal.models import Job, Role, StoredFile
from requests_inbox.models import Request
from tests.cluster.conftest import PASSWORD, browser, wait_for, with_password
from tests.factories.portal import member
from tests.faults.conftest import subject_of
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"0" * 2000
)


def signed_in(cluster, user, node: int = 0):
    client = browser(cluster)
    assert client.get(node, "/accounts/login/").status_code == 200
    answer = client.post(node, "/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert answer.status_code == 302, answer.text[:1500]
    return client


def follow_signed_url(answer: requests.Response) -> bytes:
    """The node's answer is a redirect to the bucket: a signed URL valid for a minute."""
    assert answer.status_code == 302, answer.status_code
    url = answer.headers["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Signature"][0]
    fetched = requests.get(url, timeout=30)
    assert fetched.status_code == 200
    return fetched.content


def assert_nothing_local(cluster) -> None:
    assert cluster.local_files() == {p.name: [] for p in cluster.processes if p.dirs}


def test_an_upload_through_one_node_downloads_through_the_other(cluster, company, other_company):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    outsider = with_password(member(other_company, role=Role.VIEWER, email="out@other.test"))
    client = signed_in(cluster, viewer, node=0)
    assert client.get(0, "/requests/new/").status_code == 200
    answer = client.post(
        0,
        "/requests/new/",
        {"subject": "Damaged pallet", "category": "other", "message": "Photo attached."},
        files=[("attachments", ("delivery note.pdf", PDF_BYTES, "application/pdf"))],
    )
    assert answer.status_code == 302, answer.text[:2000]
    request = Request.objects.get(subject="Damaged pallet")
    assert answer.headers["Location"].endswith(f"/requests/{request.number}/")

    # Node 2 shows the request and its file, and hands out a signed URL to it.
    page = client.get(1, f"/requests/{request.number}/")
    assert page.status_code == 200
    link = re.search(rf'href="(/requests/{request.number}/files/[0-9a-f-]+/)"', page.text).group(1)
    assert follow_signed_url(client.get(1, link)) == PDF_BYTES
    cluster.tally["files uploaded on one node, downloaded through another"] += 1

    stored = StoredFile.objects.get(original_name="delivery note.pdf")
    assert list(cluster.objects(stored.storage_name)) == [stored.storage_name]
    # The gate still decides: another company's user gets a 404 from either node.
    other = signed_in(cluster, outsider, node=1)
    assert other.get(0, link).status_code == 404
    assert other.get(1, link).status_code == 404
    assert_nothing_local(cluster)


def test_a_pdf_rendered_by_one_node_is_reused_by_the_other(cluster, company):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    invoice = InvoiceFactory(company=company)
    client = signed_in(cluster, viewer, node=1)
    assert cluster.objects("documents/") == {}

    first = client.get(0, f"/invoices/{invoice.number}/pdf/download/")
    pdf = follow_signed_url(first)
    assert pdf.startswith(b"%PDF")
    rendered = cluster.objects("documents/")
    assert len(rendered) == 1  # one stored image of the invoice

    second = client.get(1, f"/invoices/{invoice.number}/pdf/download/")
    assert follow_signed_url(second) == pdf
    assert cluster.objects("documents/") == rendered  # same key, same object: not rendered again
    cluster.tally["PDFs rendered on one node, reused by another"] += 1
    key = next(iter(rendered))
    assert urlsplit(first.headers["Location"]).path.endswith(key)
    assert urlsplit(second.headers["Location"]).path.endswith(key)
    assert_nothing_local(cluster)


def test_a_zip_job_handed_over_three_times_is_built_once(cluster, company, sink):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    invoices = [InvoiceFactory(company=company) for _ in range(3)]
    client = signed_in(cluster, viewer, node=0)
    assert client.get(1, "/invoices/").status_code == 200
    answer = client.post(1, "/invoices/zip/", [("numbers", invoice.number) for invoice in invoices])
    assert answer.status_code == 302, answer.text[:2000]
    job = Job.objects.get(user=viewer)
    assert answer.headers["Location"] == f"/files/{job.pk}/"

    # As if the sweep and a redelivery handed it over twice more, to both workers.
    app = cluster.celery()
    for _ in range(2):
        app.send_task("portal.tasks.run_job", args=[job.pk])

    ready = wait_for(lambda: Job.objects.get(pk=job.pk).state == Job.State.DONE, timeout=120)
    assert ready, "\n".join(w.tail() for w in cluster.workers)
    mails = wait_for(
        lambda: [m for m in sink.messages if message_from_bytes(m)["To"] == viewer.email],
        timeout=60,
    )
    assert len(mails) == 1, [subject_of(m) for m in mails]
    # Every copy of the task has been taken by now; none built a second ZIP.
    wait_for(lambda: cluster_queue_empty(cluster), timeout=30)
    zips = {
        k: v
        for k, v in cluster.objects(f"private/company-{company.pk}/").items()
        if k.endswith(".zip")
    }
    assert len(zips) == 1
    assert StoredFile.objects.filter(content_type="application/zip").count() == 1

    archive = zipfile.ZipFile(
        io.BytesIO(follow_signed_url(client.get(0, f"/files/{job.pk}/download/")))
    )
    assert len(archive.namelist()) == 3
    cluster.tally["ZIP jobs handed over 3 times, built once"] += 1
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    assert Invoice.objects.filter(company=company).count() == 3
    assert_nothing_local(cluster)


def cluster_queue_empty(cluster) -> bool:
    import redis

    client = redis.Redis.from_url(cluster.redis_url)
    return client.llen("celery") == 0 and not client.hlen("unacked")
