"""Issue 14, item 7: a forged "Re: [CS-…]" from a guessable requester address added text
and a file to that person's request.

A reply is threaded only when it went to the request's own reply address (an HMAC
token in the plus address of REQUESTS_REPLY_TO) or when our own mail server's
Authentication-Results says the requester's domain passed DKIM/DMARC/SPF; anything
else is refused and the (claimed) sender is told. Read through the fake IMAP server.
"""

import imaplib

import pytest
from django.core.management import call_command

from portal.models import Notification
from portal.notify import render
from requests_inbox.models import InboundEmail, Message
from requests_inbox.reply_address import reply_address
from requests_inbox.services import request_reply, request_submit
from tests.requests_inbox.conftest import (
    PDF,
    agent,  # noqa: F401 (fixture)
)
from tests.requests_inbox.test_inbound import IMAP_URL, FakeImap, mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inbox(settings, monkeypatch):
    settings.REQUESTS_REPLY_TO = "requests@cs.test"
    settings.INBOUND_IMAP_URL = IMAP_URL
    settings.INBOUND_AUTHSERV_ID = "mx.cs.test"
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeImap)


@pytest.fixture
def answered(company, viewer, agent):  # noqa: F811
    req = request_submit(
        company=company, user=viewer, category="other", subject="Toner", message="Hello"
    )
    request_reply(request=req, agent=agent, body="Which model?")
    return req


def _deliver(*messages):
    FakeImap.boxes = {"imap.cs.test": {i + 1: m.as_bytes() for i, m in enumerate(messages)}}
    call_command("fetch_replies")


def _email_replies(request):
    return Message.objects.filter(request=request, source=Message.Source.EMAIL)


def test_a_forged_from_is_refused_and_the_sender_told(
    answered, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    forged = mail(
        sender=viewer.email,  # guessable: the attacker writes the requester's address
        subject=f"Re: [{answered.number}] Toner",
        body="Please send the goods to 1 Fraud Street.",
        attachments=[("order.pdf", PDF, "application", "pdf")],
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(forged)
    assert not _email_replies(answered).exists(), "a forged From: was trusted"
    row = InboundEmail.objects.get()
    assert row.outcome == InboundEmail.Outcome.UNMATCHED and "not verified" in row.reason
    (notice,) = mailoutbox
    assert notice.to == [viewer.email]
    assert "was not added" in notice.subject
    assert "Fraud" not in notice.subject + notice.body


def test_a_guessed_or_borrowed_reply_token_is_refused(answered, company, viewer):
    other = request_submit(
        company=company, user=viewer, category="other", subject="Other", message="x"
    )
    borrowed = reply_address(other.number).replace(other.number.lower(), answered.number.lower())
    guessed = f"requests+{answered.number.lower()}.00000000000000000000@cs.test"
    _deliver(
        mail(sender=viewer.email, subject="Re: Toner", to=borrowed, body="one"),
        mail(sender=viewer.email, subject="Re: Toner", to=guessed, body="two"),
    )
    assert not _email_replies(answered).exists()
    assert set(InboundEmail.objects.values_list("reason", flat=True)) == {"invalid reply address"}


def test_a_reply_to_the_requests_own_address_is_threaded(answered, viewer):
    row = Notification.objects.filter(recipient=viewer.email).latest("pk")
    sent = render(row).message()  # the e-mail as it leaves
    reply_to = sent["Reply-To"]
    assert reply_to == reply_address(answered.number)
    assert reply_to.startswith(f"requests+{answered.number.lower()}.")
    _deliver(mail(sender=viewer.email, subject="Re: your answer", to=reply_to))
    assert _email_replies(answered).count() == 1


def test_our_servers_dkim_pass_for_the_requesters_domain_is_trusted(answered, viewer):
    domain = viewer.email.rpartition("@")[2]
    ok = mail(
        sender=viewer.email,
        subject=f"Re: [{answered.number}] Toner",
        headers={"Authentication-Results": f"mx.cs.test; dkim=pass header.d={domain}; spf=none"},
    )
    _deliver(ok)
    assert _email_replies(answered).count() == 1


@pytest.mark.parametrize(
    "results",
    [
        "mx.attacker.test; dkim=pass header.d={domain}",  # not our server: written by the sender
        "mx.cs.test; dkim=fail header.d={domain}; spf=softfail smtp.mailfrom={sender}",
        "mx.cs.test; dkim=pass header.d=attacker.test",  # signed, but by another domain
    ],
)
def test_untrusted_authentication_results_are_refused(answered, viewer, results):
    domain = viewer.email.rpartition("@")[2]
    forged = mail(
        sender=viewer.email,
        subject=f"Re: [{answered.number}] Toner",
        headers={"Authentication-Results": results.format(domain=domain, sender=viewer.email)},
    )
    _deliver(forged)
    assert not _email_replies(answered).exists()
