"""Request e-mails invite a reply by e-mail only when replies are read."""

import pytest

from requests_inbox.services import request_reply, request_submit

pytestmark = pytest.mark.django_db

REPLY = "You can also reply to this e-mail"
LINK_ONLY = "To answer, use the link above: replies to this e-mail are not read."


def _mails(company, viewer, agent, capture, mailoutbox):
    with capture(execute=True):
        req = request_submit(
            company=company, user=viewer, category="other", subject="Toner", message="Hello"
        )
    with capture(execute=True):
        request_reply(request=req, agent=agent, body="Here is the answer.")
    to_customer = [mail for mail in mailoutbox if mail.to == [viewer.email]]
    assert len(to_customer) == 2  # the acknowledgement and the answer (agents get an alert)
    return to_customer


def test_without_inbound_replies_the_mails_point_to_the_link(
    company, viewer, agent, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.REQUESTS_REPLY_TO = ""
    settings.INBOUND_IMAP_URL = ""
    for mail in _mails(company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox):
        html = mail.alternatives[0][0]
        assert REPLY not in mail.body and REPLY not in html
        assert LINK_ONLY in mail.body and LINK_ONLY in html
        assert "Reply-To" not in mail.extra_headers


def test_with_inbound_replies_the_mails_invite_a_reply(
    company, viewer, agent, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.REQUESTS_REPLY_TO = "requests@cs.example.com"
    settings.INBOUND_IMAP_URL = "imaps://user:pw@imap.example.com/INBOX"
    for mail in _mails(company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox):
        assert REPLY in mail.body
        assert LINK_ONLY not in mail.body
        # the request's own reply address (plus addressing with its token)
        assert mail.extra_headers["Reply-To"].startswith("requests+cs-")
        assert mail.extra_headers["Reply-To"].endswith("@cs.example.com")


def test_in_french_the_link_wording_is_french(
    company, viewer, agent, settings, django_capture_on_commit_callbacks, mailoutbox
):
    viewer.preferred_language = "fr"
    viewer.save()
    settings.INBOUND_IMAP_URL = ""
    mails = _mails(company, viewer, agent, django_capture_on_commit_callbacks, mailoutbox)
    assert "les réponses à cet e-mail ne sont pas lues" in mails[0].body
