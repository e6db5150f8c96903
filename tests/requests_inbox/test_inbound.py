"""Replies by e-mail from a real Maildir: threaded, refused or answered with a notice."""

import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from portal.models import Notification
from requests_inbox.models import InboundEmail, Message, Request, Status
from requests_inbox.reply_address import reply_address
from requests_inbox.services import request_reply, request_submit
from tests.requests_inbox.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def maildir(tmp_path):
    return mailbox.Maildir(tmp_path / "inbox", create=True)


@pytest.fixture
def answered(company, viewer, agent):
    req = request_submit(
        company=company, user=viewer, category="other", subject="Toner", message="Hello"
    )
    request_reply(request=req, agent=agent, body="Which model?")
    return req


@pytest.fixture(autouse=True)
def _reply_to(settings):
    settings.REQUESTS_REPLY_TO = "requests@cs.test"


def mail(*, sender, subject, body="Model X42, thanks.", headers=None, attachments=(), to=None):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to or "requests@cs.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@customer.test>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body + "\n\nOn Monday, Customer Service wrote:\n> Which model?\n")
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def run(maildir):
    call_command("fetch_replies", maildir=maildir._path)


def test_reply_threaded_by_subject_with_attachment(maildir, answered, viewer):
    maildir.add(
        mail(
            sender=f"Test User <{viewer.email.upper()}>",
            subject=f"Re: [{answered.number}] Customer service answered: Toner",
            attachments=[("label.pdf", PDF, "application", "pdf")],
            to=reply_address(answered.number),
        )
    )
    run(maildir)
    message = Message.objects.filter(request=answered).last()
    assert message.body == "Model X42, thanks."  # quoted history cut
    assert message.source == Message.Source.EMAIL and not message.is_agent
    assert message.attachments.get().original_name == "label.pdf"
    answered.refresh_from_db()
    assert answered.status == Status.IN_PROGRESS
    run(maildir)  # seen: not imported twice
    assert Message.objects.filter(request=answered).count() == 3


def test_reply_threaded_by_headers_only(maildir, answered, viewer):
    root = f"<{answered.number}@127.0.0.1>"
    maildir.add(
        mail(
            sender=viewer.email,
            subject="Re: your answer",
            headers={"In-Reply-To": f"<{answered.number}.abc123@127.0.0.1>", "References": root},
            to=reply_address(answered.number),
        )
    )
    run(maildir)
    assert Message.objects.filter(request=answered, source="email").count() == 1


def test_sender_other_than_the_requester_is_refused_with_a_notice(
    maildir, answered, approver, django_capture_on_commit_callbacks, mailoutbox
):
    maildir.add(mail(sender=approver.email, subject=f"Re: [{answered.number}] Toner"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(maildir)
    assert not Message.objects.filter(request=answered, source="email").exists()
    row = InboundEmail.objects.get()
    assert row.outcome == InboundEmail.Outcome.UNMATCHED and "not from the requester" in row.reason
    (notice,) = mailoutbox
    assert notice.to == [approver.email] and "could not be matched" in notice.subject


def test_no_number_or_two_numbers_are_never_attached(maildir, company, viewer, answered):
    other = request_submit(
        company=company, user=viewer, category="other", subject="Second", message="x"
    )
    maildir.add(mail(sender="stranger@elsewhere.test", subject="Hello there"))
    maildir.add(
        mail(
            sender=viewer.email,
            subject=f"Re: [{answered.number}]",
            headers={"References": f"<{other.number}@127.0.0.1>"},
        )
    )
    run(maildir)
    assert not Message.objects.filter(source="email").exists()
    reasons = sorted(InboundEmail.objects.values_list("reason", flat=True))
    assert reasons == ["no tracking number", "several tracking numbers"]
    assert Notification.objects.filter(template="requests_inbox_unmatched").count() == 2


def test_auto_replies_are_logged_but_not_answered(maildir, answered):
    maildir.add(
        mail(
            sender="someone@elsewhere.test",
            subject="Out of office",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    run(maildir)
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.UNMATCHED
    assert not Notification.objects.filter(template="requests_inbox_unmatched").exists()


def test_refused_attachment_is_named_and_the_text_kept(maildir, answered, viewer):
    maildir.add(
        mail(
            sender=viewer.email,
            subject=f"Re: [{answered.number}] Toner",
            attachments=[("page.html", b"<html><script>x</script></html>", "text", "html")],
            to=reply_address(answered.number),
        )
    )
    run(maildir)
    message = Message.objects.get(request=answered, source="email")
    assert message.body.startswith("Model X42, thanks.")
    assert "page.html" in message.body and "not an accepted type" in message.body
    assert not message.attachments.exists()


class FakeImap:
    """The outside world (an IMAP server) replaced by a mailbox in memory."""

    boxes: dict = {}

    def __init__(self, host, port):
        self.messages = FakeImap.boxes[host]
        self.seen = set()
        FakeImap.last = self

    def login(self, user, password):
        assert (user, password) == ("inbox@cs.test", "s3cret/")

    def select(self, folder):
        assert folder == "INBOX"
        return "OK", [b"1"]

    def uid(self, command, *args):
        if command == "search":
            unseen = [str(i).encode() for i in self.messages if i not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "fetch":
            return "OK", [(b"1 (BODY[] {n}", self.messages[int(args[0])]), b")"]
        if command == "store":
            self.seen.add(int(args[0]))
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        pass


IMAP_URL = "imaps://inbox%40cs.test:s3cret%2F@imap.cs.test/INBOX"


@pytest.fixture
def imap_reply(monkeypatch, answered, viewer):
    """The requester's answer (UID 7) waiting in the fake IMAP server's INBOX."""
    import imaplib

    FakeImap.boxes = {
        "imap.cs.test": {
            7: mail(
                sender=viewer.email,
                subject=f"Re: [{answered.number}]",
                to=reply_address(answered.number),
            ).as_bytes()
        }
    }
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeImap)


def test_imap_mailbox_from_the_environment(imap_reply, answered, settings):
    settings.INBOUND_IMAP_URL = IMAP_URL
    call_command("fetch_replies")
    assert Message.objects.filter(request=answered, source="email").count() == 1
    assert FakeImap.last.seen == {7}


def test_beat_reads_the_mailbox_once_configured(imap_reply, answered, settings):
    from requests_inbox.tasks import fetch_replies

    settings.INBOUND_IMAP_URL = ""
    assert fetch_replies.delay().get() is None  # no mailbox configured: nothing read
    settings.INBOUND_IMAP_URL = IMAP_URL
    assert fetch_replies.delay().get() == {"matched": 1, "unmatched": 0, "skipped": 0}
    assert fetch_replies.delay().get()["matched"] == 0  # read once, never twice
    assert Message.objects.filter(request=answered, source="email").count() == 1


def test_a_known_customer_without_a_number_starts_a_new_request(
    maildir, company, viewer, agent, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """It used to bounce with "no tracking number": body and files are now kept, when our
    mail server vouches for the sender (From: alone is never trusted)."""
    settings.INBOUND_AUTHSERV_ID = "mx.cs.test"
    domain = viewer.email.rpartition("@")[2]
    maildir.add(
        mail(
            sender=f"Test User <{viewer.email}>",
            subject="Printer on the 3rd floor",
            body="It jams on every page.",
            attachments=[("photo.pdf", PDF, "application", "pdf")],
            headers={"Authentication-Results": f"mx.cs.test; dkim=pass header.d={domain}"},
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(maildir)
    request = Request.objects.get(subject="Printer on the 3rd floor")
    assert (request.company, request.requester, request.status) == (company, viewer, "new")
    first = request.messages.get()
    assert first.body == "It jams on every page." and first.source == Message.Source.EMAIL
    assert [f.original_name for f in first.attachments.all()] == ["photo.pdf"]
    log = InboundEmail.objects.get()
    assert (log.outcome, log.request) == (InboundEmail.Outcome.MATCHED, request)
    assert any(request.number in m.subject and m.to == [viewer.email] for m in mailoutbox)
    assert any(m.to == [agent.email] and "New request" in m.subject for m in mailoutbox)
    assert not Notification.objects.filter(template="requests_inbox_unmatched").exists()


def test_a_forged_sender_without_a_number_starts_nothing(maildir, company, viewer, settings):
    """A message claiming a customer's address, not vouched for by our server, is refused."""
    settings.INBOUND_AUTHSERV_ID = "mx.cs.test"
    maildir.add(mail(sender=f"Test User <{viewer.email}>", subject="Forged", body="Pay here."))
    run(maildir)
    assert not Request.objects.filter(subject="Forged").exists()
    assert InboundEmail.objects.get().outcome != InboundEmail.Outcome.MATCHED


def test_a_user_of_several_companies_without_a_number_is_asked_for_it(
    maildir, company, other_company, viewer
):
    from portal.models import Membership

    Membership.objects.create(user=viewer, company=other_company)
    maildir.add(mail(sender=viewer.email, subject="Which company?"))
    run(maildir)
    assert not Request.objects.exists()
    assert InboundEmail.objects.get().reason == "no tracking number"
