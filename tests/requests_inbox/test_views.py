"""Customer pages of My requests: what the user sees, gets refused, downloads."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.applications import home_figures
from portal.models import Authorization, Role
from requests_inbox.models import Message, Request, Status
from requests_inbox.services import request_close, request_reply, request_submit
from tests.conftest import login
from tests.factories.portal import SiteFactory, member
from tests.requests_inbox.conftest import PDF
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("requests_inbox:create")
LIST = reverse("requests_inbox:list")


def submit(company, user, **extra):
    data = {"category": "other", "subject": "Toner question", "message": "Hello"}
    data.update(extra)
    return request_submit(company=company, user=user, **data)


def test_write_to_us_is_prefilled_from_another_application(viewer_client):
    response = viewer_client.get(CREATE, {"category": "invoices", "reference": "F-2026-001"})
    form = response.context["form"]
    assert form.initial == {"category": "invoices", "reference": "F-2026-001"}
    assert 'value="F-2026-001"' in response.content.decode()


def test_write_to_us_with_attachments_lands_on_the_request(
    viewer_client, company, viewer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(
            CREATE,
            {
                "subject": "Wrong delivery address",
                "category": "orders",
                "reference": "",
                "message": "Please fix it.",
                "attachments": [
                    SimpleUploadedFile("a.pdf", PDF),
                    SimpleUploadedFile("b.pdf", PDF),
                ],
            },
        )
    req = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    page = viewer_client.get(req.get_absolute_url()).content.decode()
    assert req.number in page and "Please fix it." in page and "a.pdf" in page and "b.pdf" in page
    assert req.number in mailoutbox[0].subject


def test_errors_keep_what_the_user_typed_and_say_to_choose_files_again(
    viewer_client, company, other_company, site_references
):
    SiteFactory(company=other_company, code="C-9")
    response = viewer_client.post(
        CREATE,
        {
            "subject": "My contract",
            "category": "contracts",
            "reference": "C-9",
            "message": "A long message I do not want to type again.",
            "attachments": [SimpleUploadedFile("a.pdf", PDF)],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "was found for your company" in page
    assert 'value="My contract"' in page and "A long message I do not want to type again." in page
    assert "please choose them again" in page
    assert not Request.objects.exists()


def test_empty_message_and_bad_file_are_refused_clearly(viewer_client):
    response = viewer_client.post(
        CREATE,
        {
            "subject": "Hi",
            "category": "other",
            "message": "Text",
            "attachments": [SimpleUploadedFile("x.html", b"<html><body>hi</body></html>")],
        },
    )
    assert "is not an accepted type of file" in response.content.decode()
    response = viewer_client.post(CREATE, {"subject": "Hi", "category": "other", "message": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Request.objects.exists()


def test_list_shows_own_requests_only_to_a_customer(client, company, viewer, approver):
    mine = submit(company, viewer, subject="Mine")
    theirs = submit(company, approver, subject="Theirs")
    page = login(client, viewer, company).get(LIST).content.decode()
    assert mine.number in page and theirs.number not in page


def test_company_admin_sees_every_request_of_the_company(
    client, company, viewer, company_admin, other_company, outsider
):
    colleague = submit(company, viewer)
    foreign = submit(other_company, outsider)
    page = login(client, company_admin, company).get(LIST).content.decode()
    assert colleague.number in page and foreign.number not in page


def test_search_filters_and_sort(viewer_client, company, viewer):
    printer = submit(company, viewer, subject="Printer toner empty")
    invoice = submit(company, viewer, subject="Invoice copy", category="invoices")
    Request.objects.filter(pk=invoice.pk).update(status=Status.ANSWERED)

    def numbers(**params):
        return [r.number for r in viewer_client.get(LIST, params).context["page"].object_list]

    assert numbers(q="toner printer") == [printer.number]
    assert numbers(q=invoice.number) == [invoice.number]
    assert numbers(q=invoice.number.lower()) == [invoice.number]
    assert numbers(q=str(int(invoice.number.rsplit("-", 1)[1]))) == [invoice.number]
    assert numbers(status="answered") == [invoice.number]
    assert numbers(category="other") == [printer.number]
    today = timezone.localdate().isoformat()
    assert set(numbers(created_from=today, created_to=today)) == {printer.number, invoice.number}
    assert numbers(created_to="2000-01-01") == []
    assert numbers(sort="number") == sorted([printer.number, invoice.number])
    assert numbers(sort="-number") == sorted([printer.number, invoice.number], reverse=True)


@pytest.mark.parametrize("page", ["9999", "abc", "-1", "0", "1" * 40])
def test_bad_page_numbers_never_fail(viewer_client, company, viewer, page):
    for _ in range(3):
        submit(company, viewer)
    response = viewer_client.get(LIST, {"page": page, "sort": "nonsense"})
    assert response.status_code == 200


def test_filter_answers_a_partial_to_htmx(viewer_client, company, viewer):
    submit(company, viewer)
    response = viewer_client.get(LIST, {"q": "toner"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and "<table" in page and "<html" not in page


def test_export_of_the_selection(viewer_client, company, viewer):
    req = submit(company, viewer)
    response = viewer_client.get(reverse("requests_inbox:export"), {"fmt": "csv"})
    assert req.number in b"".join(response.streaming_content).decode()
    assert viewer_client.get(reverse("requests_inbox:export"), {"fmt": "pdf"}).status_code == 404


def test_internal_notes_are_never_shown_to_the_customer(viewer_client, company, viewer, agent):
    req = submit(company, viewer)
    request_reply(
        request=req,
        agent=agent,
        body="Internal: check the credit limit",
        internal=True,
        attachments=[SimpleUploadedFile("secret.pdf", PDF)],
    )
    request_reply(request=req, agent=agent, body="We are on it.")
    page = viewer_client.get(req.get_absolute_url()).content.decode()
    assert "We are on it." in page
    assert "credit limit" not in page and "secret.pdf" not in page
    secret = Message.objects.get(internal=True).attachments.get()
    url = reverse("requests_inbox:attachment", kwargs={"number": req.number, "file_id": secret.pk})
    assert viewer_client.get(url).status_code == 404


def test_documents_both_ways_and_download(viewer_client, company, viewer, agent):
    req = submit(company, viewer, attachments=[SimpleUploadedFile("mine.pdf", PDF)])
    request_reply(
        request=req,
        agent=agent,
        body="See attached",
        attachments=[SimpleUploadedFile("answer.pdf", PDF)],
    )
    response = viewer_client.get(req.get_absolute_url())
    assert [f.original_name for _m, f in response.context["documents"]] == [
        "mine.pdf",
        "answer.pdf",
    ]
    stored = response.context["documents"][1][1]
    download = viewer_client.get(
        reverse("requests_inbox:attachment", kwargs={"number": req.number, "file_id": stored.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="answer.pdf"' in download["Content-Disposition"]


def test_a_colleagues_or_another_companys_request_is_404(
    client, company, viewer, approver, company_admin, other_company, outsider
):
    colleague = submit(company, approver, attachments=[SimpleUploadedFile("a.pdf", PDF)])
    stored = colleague.messages.get().attachments.get()
    file_url = reverse(
        "requests_inbox:attachment", kwargs={"number": colleague.number, "file_id": stored.pk}
    )
    login(client, viewer, company)
    assert client.get(colleague.get_absolute_url()).status_code == 404
    assert client.get(file_url).status_code == 404
    assert client.post(reverse("requests_inbox:close", args=[colleague.number])).status_code == 404
    login(client, outsider, other_company)
    assert client.get(colleague.get_absolute_url()).status_code == 404
    assert client.get(file_url).status_code == 404
    login(client, company_admin, company)
    assert client.get(colleague.get_absolute_url()).status_code == 200
    assert client.get(file_url).status_code == 200


def test_forged_number_is_404(viewer_client):
    assert (
        viewer_client.get(reverse("requests_inbox:detail", args=["CS-2026-999999"])).status_code
        == 404
    )
    assert viewer_client.get("/requests/1%20OR%201=1/").status_code == 404


def test_reply_with_attachment_and_error_keeps_text(viewer_client, company, viewer):
    req = submit(company, viewer)
    url = reverse("requests_inbox:reply", args=[req.number])
    response = viewer_client.post(
        url, {"body": "Here is the photo", "attachments": [SimpleUploadedFile("p.pdf", PDF)]}
    )
    assert response.status_code == 302
    assert req.messages.last().attachments.get().original_name == "p.pdf"
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(11)]
    response = viewer_client.post(url, {"body": "Eleven files", "attachments": files})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Too many files" in page and "Eleven files" in page and "choose them again" in page


def test_close_then_reopen_from_the_page(viewer_client, company, viewer):
    req = submit(company, viewer)
    viewer_client.post(reverse("requests_inbox:close", args=[req.number]))
    req.refresh_from_db()
    assert req.status == Status.CLOSED
    page = viewer_client.get(req.get_absolute_url()).content.decode()
    assert "Reopen the request" in page
    viewer_client.post(reverse("requests_inbox:reopen", args=[req.number]))
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS


def test_reopen_after_30_days_is_refused_with_a_clear_message(viewer_client, company, viewer):
    req = submit(company, viewer)
    request_close(request=req, user=viewer)
    Request.objects.filter(pk=req.pk).update(closed_at=timezone.now() - timedelta(days=40))
    response = viewer_client.post(reverse("requests_inbox:reopen", args=[req.number]), follow=True)
    page = response.content.decode()
    assert "closed more than 30 days ago" in page
    assert "Reopen the request" not in page
    req.refresh_from_db()
    assert req.status == Status.CLOSED


def test_rating_link_shows_a_form_and_only_post_records(viewer_client, company, viewer, agent):
    req = submit(company, viewer)
    request_reply(request=req, agent=agent, body="Answer")
    url = reverse("requests_inbox:rate", args=[req.number])
    response = viewer_client.get(url, {"rating": "bad"})
    assert response.status_code == 200 and 'value="good"' in response.content.decode()
    req.refresh_from_db()
    assert req.rating == ""
    response = viewer_client.post(url, {"rating": "good", "comment": "Fast, thanks"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.rating, req.rating_comment) == ("good", "Fast, thanks")


def test_rating_is_offered_on_the_page_after_an_answer(viewer_client, company, viewer, agent):
    req = submit(company, viewer)
    assert (
        "Was the answer helpful?" not in viewer_client.get(req.get_absolute_url()).content.decode()
    )
    request_reply(request=req, agent=agent, body="Answer")
    assert "Was the answer helpful?" in viewer_client.get(req.get_absolute_url()).content.decode()


def test_detail_page_with_a_constant_number_of_queries(
    viewer_client, company, viewer, agent, django_assert_max_num_queries
):
    req = submit(company, viewer, attachments=[SimpleUploadedFile("a.pdf", PDF)])
    for i in range(10):
        request_reply(
            request=req,
            agent=agent,
            body=f"Answer {i}",
            attachments=[SimpleUploadedFile("b.pdf", PDF)],
        )
    with django_assert_max_num_queries(14):
        viewer_client.get(req.get_absolute_url())


def test_list_with_a_constant_number_of_queries(
    viewer_client, company, viewer, django_assert_max_num_queries
):
    for _ in range(30):
        RequestFactory(company=company, requester=viewer)
    with django_assert_max_num_queries(12):
        viewer_client.get(LIST)


def test_home_figures(company, viewer, agent, company_admin):
    submit(company, viewer)
    answered = submit(company, viewer)
    request_reply(request=answered, agent=agent, body="Answer")
    closed = submit(company, viewer)
    request_close(request=closed, user=viewer)
    submit(company, company_admin)
    figures = home_figures("requests", company, viewer)
    assert [f.value for f in figures] == [2, 1]
    assert [f.value for f in home_figures("requests", company, company_admin)] == [3, 1]


def test_member_without_the_application_still_writes_to_us(client, company):
    """Writing to customer service is open to every member (own requests only)."""
    user = member(company, role=None)
    assert login(client, user, company).get(LIST).status_code == 200


def test_member_refused_the_application_is_sent_to_request_access(client, company):
    user = member(company, role=None)
    Authorization.objects.create(
        user=user, company=company, app="requests", status=Authorization.Status.REJECTED
    )
    response = login(client, user, company).get(LIST)
    assert response.status_code == 302 and reverse("portal:request_access") in response["Location"]


def test_viewer_role_is_enough_to_write(client, company):
    user = member(company, role=Role.VIEWER, apps=["requests"])
    assert login(client, user, company).get(CREATE).status_code == 200


def test_pages_in_french(client, company, viewer, agent):
    viewer.preferred_language = "fr"
    viewer.save()
    req = submit(company, viewer)
    request_close(request=req, user=viewer)
    from requests_inbox.services import request_reopen

    request_reopen(request=req, user=viewer)
    login(client, viewer, company)
    page = client.get(LIST).content.decode()
    assert "Mes demandes" in page and "Écrivez-nous" in page
    page = client.get(req.get_absolute_url()).content.decode()
    assert "Historique des statuts" in page and "Rouverte par le client" in page
    assert "Objet" in client.get(CREATE).content.decode()
