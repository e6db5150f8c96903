"""A company administrator sees a colleague's request: only the requester rates it, and
the colleague's files are labelled with the colleague's name, not "You"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_inbox.services import request_reply, request_submit
from tests.conftest import login
from tests.requests_inbox.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(company, viewer, agent):
    viewer.first_name, viewer.last_name = "Claire", "Martin"
    viewer.save()
    req = request_submit(
        company=company,
        user=viewer,
        category="other",
        subject="Toner",
        message="See the delivery note.",
        attachments=[SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf")],
    )
    request_reply(request=req, agent=agent, body="Answered.")
    req.refresh_from_db()
    return req


def test_an_administrator_cannot_rate_a_colleagues_request(
    client, company, company_admin, answered
):
    login(client, company_admin, company)
    page = client.get(answered.get_absolute_url()).content.decode()
    assert "Your opinion" not in page
    response = client.post(
        reverse("requests_inbox:rate", args=[answered.number]), {"rating": "bad", "comment": "x"}
    )
    assert "Only the person who wrote the request can rate the answer." in response.content.decode()
    answered.refresh_from_db()
    assert answered.rating == ""


def test_the_requester_rates(client, company, viewer, answered):
    login(client, viewer, company)
    assert "Your opinion" in client.get(answered.get_absolute_url()).content.decode()
    client.post(reverse("requests_inbox:rate", args=[answered.number]), {"rating": "good"})
    answered.refresh_from_db()
    assert answered.rating == "good"


def test_files_are_labelled_with_the_authors_name(client, company, company_admin, answered):
    login(client, company_admin, company)
    page = client.get(answered.get_absolute_url()).content.decode()
    documents = page.split('id="documents-title"', 1)[1].split("</section>", 1)[0]
    assert "note.pdf" in documents
    assert "Claire Martin" in documents
    assert ">You<" not in documents
