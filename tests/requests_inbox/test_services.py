"""Services of My requests against the real database; e-mails through the outbox."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import Notification, StoredFile
from requests_inbox.models import Message, Request, Status
from requests_inbox.services import (
    answer_due,
    request_close,
    request_customer_reply,
    request_rate,
    request_reopen,
    request_reply,
    request_submit,
)
from tests.factories.portal import SiteFactory
from tests.requests_inbox.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def submit(company, user, **extra):
    data = {"category": "other", "subject": "Printer contract question", "message": "Hello"}
    data.update(extra)
    return request_submit(company=company, user=user, **data)


def test_submit_gives_a_readable_unique_number_and_due_time(company, viewer):
    first = submit(company, viewer)
    second = submit(company, viewer)
    assert re.fullmatch(r"CS-\d{4}-\d{6}", first.number)
    assert first.number != second.number
    assert first.status == Status.NEW
    assert first.due_at == answer_due(company, first.created_at)
    assert list(first.messages.values_list("body", flat=True)) == ["Hello"]
    assert list(first.history.values_list("to_status", flat=True)) == [Status.NEW]


def test_acknowledgement_is_written_to_the_outbox_and_sent(
    company, viewer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(company, viewer)
    row = Notification.objects.get(template="requests_inbox_acknowledgement")
    assert row.recipient == viewer.email and row.status == Notification.Status.SENT
    (mail,) = mailoutbox
    assert req.number in mail.subject
    assert f"http://testserver/requests/{req.number}/" in mail.body or (
        f"/requests/{req.number}/" in mail.body
    )
    assert "Answer expected by" in mail.body
    assert (
        mail.extra_headers["References"]
        == f"<{req.number}@{mail.extra_headers['References'].split('@')[1]}"
    )
    assert mail.extra_headers["Message-ID"].startswith(f"<{req.number}.")


def test_acknowledgement_in_the_requesters_language(
    company, viewer, django_capture_on_commit_callbacks, mailoutbox
):
    viewer.preferred_language = "fr"
    viewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(company, viewer)
    assert "Nous avons bien reçu votre demande" in mailoutbox[0].subject
    assert req.number in mailoutbox[0].subject


def test_payload_is_kept_for_the_agents(company, viewer):
    req = submit(
        company, viewer, category="inventory", payload={"serial": "78-ABC", "change": "move"}
    )
    assert Request.objects.get(pk=req.pk).payload == {"serial": "78-ABC", "change": "move"}


def test_reference_of_the_company_is_linked(company, viewer, site_references):
    site = SiteFactory(company=company, code="C-100")
    req = submit(company, viewer, category="contracts", reference="C-100")
    assert req.reference_object == site


def test_reference_of_another_company_reads_like_an_unknown_one(
    company, other_company, viewer, site_references
):
    SiteFactory(company=other_company, code="C-200")
    with pytest.raises(ValidationError) as foreign:
        submit(company, viewer, category="contracts", reference="C-200")
    with pytest.raises(ValidationError) as unknown:
        submit(company, viewer, category="contracts", reference="C-201")
    assert foreign.value.code == unknown.value.code == "unknown_reference"
    assert foreign.value.messages[0].replace("C-200", "X") == unknown.value.messages[0].replace(
        "C-201", "X"
    )
    assert not Request.objects.exists()


def test_reference_without_a_resolver_is_kept_as_free_text(company, viewer):
    req = submit(company, viewer, category="other", reference="my ticket 42")
    assert req.reference == "my ticket 42" and req.reference_type is None


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("message", "   ", "empty_message"),
        ("message", "x" * 20_001, "message_too_long"),
        ("subject", "", "empty_subject"),
        ("category", "bogus", "bad_category"),
    ],
)
def test_bad_input_is_refused(company, viewer, field, value, code):
    with pytest.raises(ValidationError) as error:
        submit(company, viewer, **{field: value})
    assert error.value.code == code
    assert not Request.objects.exists()


def _files_on_disk():
    _dirs, files = default_storage.listdir("private/")
    names = []
    for directory in default_storage.listdir("private/")[0]:
        names += default_storage.listdir(f"private/{directory}")[1]
    return names + files


def test_attachments_are_stored_privately(company, viewer):
    req = submit(
        company,
        viewer,
        attachments=[SimpleUploadedFile("quote.pdf", PDF), SimpleUploadedFile("photo.png", PNG)],
    )
    names = sorted(f.original_name for f in req.messages.get().attachments.all())
    assert names == ["photo.png", "quote.pdf"]
    assert all(f.company == company for f in StoredFile.objects.all())


def test_a_bad_file_saves_nothing_at_all(company, viewer):
    before = len(_files_on_disk()) if default_storage.exists("private/") else 0
    with pytest.raises(ValidationError) as error:
        submit(
            company,
            viewer,
            attachments=[
                SimpleUploadedFile("ok.pdf", PDF),
                SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>"),
            ],
        )
    assert error.value.code == "bad_type"
    assert not Request.objects.exists() and not StoredFile.objects.exists()
    after = len(_files_on_disk()) if default_storage.exists("private/") else 0
    assert after == before  # the PDF's blob was removed again


def test_too_many_files(company, viewer):
    files = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(11)]
    with pytest.raises(ValidationError) as error:
        submit(company, viewer, attachments=files)
    assert error.value.code == "too_many_files"


def test_message_size_limit(company, viewer, settings):
    settings.PORTAL_MESSAGE_MAX_BYTES = 60
    with pytest.raises(ValidationError) as error:
        submit(
            company, viewer, attachments=[SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(3)]
        )
    assert error.value.code == "message_too_large"


def test_file_size_limit(company, viewer, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError) as error:
        submit(company, viewer, attachments=[SimpleUploadedFile("big.pdf", PDF)])
    assert error.value.code == "too_large"


def test_agent_answer_emails_the_customer_and_sets_answered(
    company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox
):
    req = submit(company, viewer)
    with django_capture_on_commit_callbacks(execute=True):
        request_reply(
            request=req,
            agent=agent,
            body="Your contract renews on 1 May.",
            attachments=[SimpleUploadedFile("contract.pdf", PDF)],
        )
    req.refresh_from_db()
    assert req.status == Status.ANSWERED and req.answered_at is not None
    assert req.assignee == agent
    (mail,) = mailoutbox
    assert req.number in mail.subject
    assert "Your contract renews on 1 May." in mail.body
    assert f"/requests/{req.number}/" in mail.body
    assert f"/requests/{req.number}/rate/" in mail.body
    assert "contract.pdf" in mail.body


def test_internal_note_sends_nothing_and_stays_internal(
    company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox
):
    req = submit(company, viewer)
    with django_capture_on_commit_callbacks(execute=True):
        note = request_reply(request=req, agent=agent, body="Customer is VIP", internal=True)
    req.refresh_from_db()
    assert mailoutbox == []
    assert req.status == Status.IN_PROGRESS
    assert note not in Message.objects.for_company(company).public()


def test_customer_reply_after_an_answer_goes_back_to_the_agents(company, viewer, agent):
    req = submit(company, viewer)
    request_reply(request=req, agent=agent, body="Answer")
    request_customer_reply(request=req, user=viewer, body="Thanks, but one more thing")
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS
    assert req.due_at > timezone.now()
    assert req.messages.count() == 3


def test_close_and_reopen_within_30_days(company, viewer):
    req = submit(company, viewer)
    request_close(request=req, user=viewer)
    req.refresh_from_db()
    assert req.status == Status.CLOSED
    request_reopen(request=req, user=viewer)
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS and req.closed_at is None
    assert list(req.history.values_list("to_status", flat=True)) == [
        Status.NEW,
        Status.CLOSED,
        Status.IN_PROGRESS,
    ]


def test_no_reopen_or_reply_past_30_days(company, viewer):
    req = submit(company, viewer)
    request_close(request=req, user=viewer)
    Request.objects.filter(pk=req.pk).update(closed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(ValidationError) as reopen:
        request_reopen(request=req, user=viewer)
    with pytest.raises(ValidationError) as reply:
        request_customer_reply(request=req, user=viewer, body="Hello again")
    assert reopen.value.code == reply.value.code == "closed_for_good"
    assert req.messages.count() == 1


def test_reply_to_a_recently_closed_request_reopens_it(company, viewer):
    req = submit(company, viewer)
    request_close(request=req, user=viewer)
    request_customer_reply(request=req, user=viewer, body="Actually, not solved")
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS


def test_rating_only_after_an_answer(company, viewer, agent):
    req = submit(company, viewer)
    with pytest.raises(ValidationError):
        request_rate(request=req, user=viewer, rating="good")
    request_reply(request=req, agent=agent, body="Answer")
    request_rate(request=req, user=viewer, rating="bad", comment="Too slow")
    req.refresh_from_db()
    assert (req.rating, req.rating_comment) == ("bad", "Too slow")
    with pytest.raises(ValidationError):
        request_rate(request=req, user=viewer, rating="meh")
