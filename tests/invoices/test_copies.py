"""Sending a copy to a colleague: the PDF attached, or a link that works without an account."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.copies import invoice_send_copy, new_link_token
from invoices.models import InvoiceEvent, ShareLink
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def test_copy_with_the_pdf_attached(
    viewer_client, viewer, company, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = InvoiceFactory(company=company, number="F-COPY")
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(
            reverse("invoices:copy", args=[invoice.number]),
            {
                "recipients": "Ann@Colleague.test, bob@colleague.test",
                "message": "For the budget review & Q3 <plan>",
                "mode": "attachment",
            },
            follow=True,
        )
    assert "The copy of invoice F-COPY is on its way." in response.text
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@colleague.test", "bob@colleague.test"]
    mail = mailoutbox[0]
    assert "sent you invoice F-COPY" in mail.subject
    assert "For the budget review & Q3 <plan>" in mail.body
    assert mail.extra_headers.get("Reply-To") == viewer.email
    (name, content, mimetype) = mail.attachments[0]
    assert name == "invoice-F-COPY.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    event = InvoiceEvent.objects.get(invoice=invoice, action=InvoiceEvent.Action.COPY_SENT)
    assert event.actor == viewer
    assert event.detail["to"] == ["ann@colleague.test", "bob@colleague.test"]
    assert "ann@colleague.test" in viewer_client.get(invoice.get_absolute_url()).text


def test_invalid_or_too_many_addresses_are_refused(viewer_client, company, mailoutbox):
    invoice = InvoiceFactory(company=company)
    url = reverse("invoices:copy", args=[invoice.number])
    response = viewer_client.post(
        url, {"recipients": "ann@ok.test, not-an-address", "mode": "attachment"}
    )
    assert response.status_code == 200
    assert "“not-an-address” is not a valid e-mail address." in response.text
    many = ",".join(f"p{i}@ok.test" for i in range(11))
    response = viewer_client.post(url, {"recipients": many, "mode": "attachment"})
    assert "At most 10 addresses at a time." in response.text
    assert not InvoiceEvent.objects.filter(invoice=invoice).exists()
    assert mailoutbox == []


def test_copies_are_rate_limited(viewer, company):
    invoice = InvoiceFactory(company=company)
    for i in range(2):
        invoice_send_copy(
            invoice=invoice, user=viewer, recipients=[f"p{i}{j}@ok.test" for j in range(10)]
        )
    with pytest.raises(Exception) as exc:
        invoice_send_copy(invoice=invoice, user=viewer, recipients=["one@more.test"])
    assert exc.value.code == "rate_limited"


def _link_from(mail):
    return next(word for word in mail.body.split() if "/invoices/shared/" in word)


def test_share_link_works_without_account_until_revoked(
    viewer_client, viewer, company, client, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = InvoiceFactory(company=company, number="F-LINK")
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post(
            reverse("invoices:copy", args=[invoice.number]),
            {"recipients": "guest@outside.test", "mode": "link"},
        )
    (mail,) = mailoutbox
    assert mail.attachments == []
    link = _link_from(mail)
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    token = path.rstrip("/").rsplit("/", 1)[1]
    stored = ShareLink.objects.get()
    assert stored.token_hash == ShareLink.hash_token(token)
    assert token not in stored.token_hash
    assert stored.expires_at - timezone.now() > timedelta(days=13)

    guest = client.__class__()
    page = guest.get(path)
    assert page.status_code == 200 and "F-LINK" in page.text
    pdf = guest.get(reverse("invoices:shared_pdf", args=[token]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    download = guest.get(reverse("invoices:shared_pdf", args=[token]) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")

    # the sender revokes it from the invoice page
    detail = viewer_client.get(invoice.get_absolute_url())
    assert "guest@outside.test" in detail.text and "Revoke" in detail.text
    viewer_client.post(reverse("invoices:revoke_link", args=[invoice.number, stored.pk]))
    gone = guest.get(path)
    assert gone.status_code == 410
    assert "withdrawn" in gone.text and "F-LINK" not in gone.text
    assert guest.get(reverse("invoices:shared_pdf", args=[token])).status_code == 410
    assert InvoiceEvent.objects.filter(invoice=invoice, action="link_revoked").exists()


def test_expired_and_unknown_links_show_a_clear_page(viewer, company, client):
    invoice = InvoiceFactory(company=company, number="F-EXP")
    links = invoice_send_copy(invoice=invoice, user=viewer, recipients=["g@x.test"], mode="link")
    token = new_link_token()
    ShareLink.objects.filter(pk=links[0].pk).update(
        token_hash=ShareLink.hash_token(token), expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("invoices:shared", args=[token]))
    assert response.status_code == 410
    assert "This link has expired." in response.text and "F-EXP" not in response.text
    response = client.get(reverse("invoices:shared", args=["made-up-token"]))
    assert response.status_code == 404
    assert "This link is not valid." in response.text


def test_only_the_sender_or_an_admin_revokes(client, viewer, company, company_admin):
    from tests.conftest import login
    from tests.factories.portal import member

    invoice = InvoiceFactory(company=company)
    (link,) = invoice_send_copy(invoice=invoice, user=viewer, recipients=["g@x.test"], mode="link")
    url = reverse("invoices:revoke_link", args=[invoice.number, link.pk])
    login(client, member(company, email="colleague@acme.test"), company)
    assert client.post(url).status_code == 404
    login(client, company_admin, company)
    assert client.post(url).status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == company_admin


def _pdf_title_and_language(data: bytes) -> tuple[str, str]:
    """Read the PDF's own metadata (pyHanko's reader): its title and its /Lang."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    return str(reader.trailer["/Info"]["/Title"]), str(reader.root.get("/Lang"))


def test_a_french_user_gets_a_french_pdf(client, company):
    from tests.conftest import login
    from tests.factories.portal import member

    invoice = InvoiceFactory(company=company, number="F-FR")
    login(client, member(company, email="marie@acme.test", preferred_language="fr"), company)
    response = client.get(reverse("invoices:pdf", args=[invoice.number]))
    assert _pdf_title_and_language(b"".join(response.streaming_content)) == ("Facture F-FR", "fr")
    login(client, member(company, email="john@acme.test", preferred_language="en"), company)
    response = client.get(reverse("invoices:pdf", args=[invoice.number]))
    assert _pdf_title_and_language(b"".join(response.streaming_content)) == ("Invoice F-FR", "en")


def test_copy_mail_of_a_french_sender_is_french_with_a_french_pdf(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.conftest import login
    from tests.factories.portal import member

    invoice = InvoiceFactory(company=company, number="F-FR2")
    login(client, member(company, email="marie@acme.test", preferred_language="fr"), company)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invoices:copy", args=[invoice.number]),
            {"recipients": "paul@acme.test", "mode": "attachment"},
        )
    (mail,) = mailoutbox
    assert "facture F-FR2" in mail.subject
    assert _pdf_title_and_language(mail.attachments[0][1]) == ("Facture F-FR2", "fr")


def test_a_refused_batch_uses_up_nothing_and_copies_survive_a_redis_outage(
    viewer, company, settings
):
    from portal.configuration import redis_caches

    invoice = InvoiceFactory(company=company)
    invoice_send_copy(invoice=invoice, user=viewer, recipients=[f"a{j}@ok.test" for j in range(10)])
    invoice_send_copy(invoice=invoice, user=viewer, recipients=[f"b{j}@ok.test" for j in range(5)])
    with pytest.raises(Exception) as exc:
        invoice_send_copy(
            invoice=invoice, user=viewer, recipients=[f"c{j}@ok.test" for j in range(6)]
        )
    assert exc.value.code == "rate_limited"
    invoice_send_copy(invoice=invoice, user=viewer, recipients=[f"d{j}@ok.test" for j in range(5)])
    # the copy quota lets sending through when its counters cannot be reached
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", timeout=0.2)
    invoice_send_copy(invoice=invoice, user=viewer, recipients=["e@ok.test"])
