"""French leftovers: country names, "De" for a document's author, the brand in French PDFs,
lazy help texts, the English ZIP page without "p.m..". (Every page and e-mail is also
scanned for English phrases by tests/security/test_french_everywhere.py.)"""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CountryFactory, member
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def germany(db):
    return CountryFactory(code="DE", name="Germany", name_fr="Allemagne")


def test_country_names_in_french_lists_filters_and_exports(client, company, germany):
    user = member(company, role=Role.VIEWER, preferred_language="fr")
    OrderFactory(company=company, number="DE-1", country=germany)
    login(client, user, company)
    page = client.get(reverse("orders:list")).content.decode()
    assert "Allemagne" in page and ">Germany<" not in page
    assert '<option value="DE">Allemagne</option>' in page
    export = client.get(reverse("orders:export"), {"format": "csv"})
    assert "Allemagne" in b"".join(export.streaming_content).decode("utf-8-sig")
    with translation.override("en"):
        assert str(germany) == "Germany"


def test_help_texts_follow_the_reader_language():
    from invoices.forms import CopyForm
    from requests_inbox.forms import RequestForm

    with translation.override("fr"):
        assert str(RequestForm().fields["attachments"].help_text).startswith("Jusqu")
        assert str(CopyForm().fields["recipients"].help_text).startswith("Jusqu")
    with translation.override("en"):
        assert str(RequestForm().fields["attachments"].help_text).startswith("Up to 10 files")


def test_a_documents_author_column_says_de_not_du(client, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from requests_inbox.services import request_submit
    from tests.requests_inbox.conftest import PDF

    user = member(company, role=Role.VIEWER, preferred_language="fr")
    req = request_submit(
        company=company,
        user=user,
        category="other",
        subject="Bon de livraison",
        message="Ci-joint.",
        attachments=[SimpleUploadedFile("bl.pdf", PDF, content_type="application/pdf")],
    )
    login(client, user, company)
    page = client.get(req.get_absolute_url()).content.decode()
    assert '<th scope="col">De</th>' in page
    assert '<th scope="col">Du</th>' not in page


def test_french_contract_pdf_has_the_french_brand(client, company):
    import io

    from pypdf import PdfReader

    from tests.contracts.factories import ContractFactory

    user = member(company, role=Role.VIEWER, preferred_language="fr")
    contract = ContractFactory(company=company)
    login(client, user, company)
    response = client.get(reverse("contracts:print", args=[contract.number]))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Service clientèle en ligne" in text
    assert "Customer Service Online" not in text


def test_english_zip_page_has_no_double_period(client, company):
    """The ZIP's job page in English: "Requested on 12/01/2026 9:40 PM" ends its sentence with one period."""
    from portal.models import Job

    user = member(company, role=Role.VIEWER)
    login(client, user, company)
    evening = timezone.make_aware(datetime(2026, 11, 30, 21, 40))
    job = Job.objects.create(
        company=company, user=user, kind="invoices.zip", total=2, created_at=evening
    )
    page = client.get(reverse("portal:job", args=[job.pk])).content.decode()
    assert "Requested on" in page
    assert ".." not in page.split("Requested on", 1)[1].split("</p>", 1)[0]
