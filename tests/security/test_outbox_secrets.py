"""No usable secret in the outbox (issue 14, item 1).

The outbox row of a password reset, an e-mail verification or an invoice share link
keeps a reference useless on its own; the link is made when the e-mail is sent. An
agent reading the outbox in the admin, or anyone reading the database, finds no
working link, while the e-mail that went out still works.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import serializers
from django.test import Client
from django.urls import reverse

from portal.agents import make_agent
from portal.models import Notification
from tests.conftest import login, login_agent
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Taken-over-2026!"


@pytest.fixture
def agent_client():
    agent = UserFactory(email="agent@cs.test")
    make_agent([agent])
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return login_agent(Client(), agent)


def _stored(row: Notification) -> str:
    """Everything the database holds for the row, as an attacker with read access sees it."""
    return serializers.serialize("json", [row])


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _secret_part(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_an_agent_finds_no_working_reset_link_in_the_outbox_and_the_mail_still_works(
    agent_client, mailoutbox, django_capture_on_commit_callbacks
):
    victim = UserFactory(email="victim@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": victim.email})
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.body).group(0)
    key = _secret_part(link)
    row = Notification.objects.get(recipient=victim.email)

    stored = _stored(row)
    assert key not in stored and key.split("-", 1)[1] not in stored
    assert "/password/reset/key/" not in stored

    page = agent_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert "/password/reset/key/" not in page.text and key not in page.text
    assert "[link made when the e-mail is sent, not kept]" in page.text  # the body, redacted

    # the e-mail that went out opens the account: follow it and set a new password
    owner = Client()
    response = owner.get(_path(link), follow=True)
    form_path = response.redirect_chain[-1][0]
    response = owner.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(NEW_PASSWORD)


def test_the_verification_link_is_made_at_send_time_and_still_verifies(
    agent_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            reverse("account_signup"),
            {"email": "new@acme.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body).group(0)
    key = _secret_part(link)
    row = Notification.objects.get(recipient="new@acme.test")

    assert key not in _stored(row) and "/confirm-email/" not in _stored(row)
    page = agent_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert key not in page.text and "/confirm-email/" not in page.text

    visitor = Client()
    assert visitor.post(_path(link)).status_code == 302
    assert EmailAddress.objects.get(email="new@acme.test").verified


def test_an_invoice_share_link_is_neither_in_the_outbox_nor_in_the_admin(
    agent_client, company, viewer, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.invoices.factories import InvoiceFactory

    invoice = InvoiceFactory(company=company, number="F-SECRET")
    with django_capture_on_commit_callbacks(execute=True):
        login(Client(), viewer, company).post(
            reverse("invoices:copy", args=[invoice.number]),
            {"recipients": "colleague@outside.test", "mode": "link"},
        )
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/invoices/shared/\S+/", mail.body).group(0)
    token = _secret_part(link)
    row = Notification.objects.get(recipient="colleague@outside.test")

    assert token not in _stored(row) and "/invoices/shared/" not in _stored(row)
    page = agent_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert token not in page.text and "/invoices/shared/" not in page.text

    shared = Client().get(_path(link))
    assert shared.status_code == 200 and "F-SECRET" in shared.text


def test_a_reset_that_could_not_be_sent_yet_keeps_no_link_either(
    agent_client, mailoutbox, settings
):
    """A row waiting in the outbox (broker down, SMTP refusing) is what agents see most."""
    victim = UserFactory(email="waiting@acme.test")
    Client().post(reverse("account_reset_password"), {"email": victim.email})  # no on_commit run
    row = Notification.objects.get(recipient=victim.email)
    assert row.status == Notification.Status.PENDING
    assert "/password/reset/key/" not in _stored(row)
    page = agent_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert "/password/reset/key/" not in page.text
    assert mailoutbox == []


def test_links_kept_in_clear_by_earlier_versions_are_removed_by_the_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portal.migrations.0003_notification_clear_links_removed")
    link = "https://portal.example.com/accounts/password/reset/key/3-abc-0123456789abcdef/"
    sent = Notification.objects.create(
        event="access",
        template="allauth",
        recipient="old@acme.test",
        status=Notification.Status.SENT,
        context={"subject": "Reset", "text": f"Open {link} now", "html": f'<a href="{link}">'},
    )
    waiting = Notification.objects.create(
        event="invoice_new",
        template="invoices_copy_link",
        recipient="colleague@outside.test",
        context={"link": "https://portal.example.com/invoices/shared/tok3n/", "number": "F-1"},
    )
    migration.remove_clear_links(apps, None)
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert "/reset/key/" not in _stored(sent) and sent.status == Notification.Status.SENT
    assert "Open [link removed from the outbox] now" in sent.context["text"]
    assert "tok3n" not in _stored(waiting) and waiting.context["number"] == "F-1"
    assert waiting.status == Notification.Status.FAILED  # never sent with a dead link


def test_a_reset_for_an_account_deleted_before_sending_fails_at_once(mailoutbox):
    from portal import notify

    victim = UserFactory(email="gone@acme.test")
    Client().post(reverse("account_reset_password"), {"email": victim.email})
    row = Notification.objects.get(recipient=victim.email)
    victim.delete()
    assert notify.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "no longer exists" in row.last_error
    assert mailoutbox == []


def test_a_requests_reply_address_is_made_at_send_time_and_still_threads_a_reply(
    agent_client,
    company,
    viewer,
    settings,
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The Reply-To of a request e-mail lets whoever knows it post into the request as the
    requester: the outbox keeps only the tracking number, the e-mail carries the address."""
    import imaplib

    from django.core.management import call_command

    from requests_inbox.models import Message
    from requests_inbox.reply_address import reply_address, reply_token
    from requests_inbox.services import request_reply, request_submit
    from tests.requests_inbox.test_inbound import IMAP_URL, FakeImap, mail

    settings.REQUESTS_REPLY_TO = "requests@cs.test"
    settings.INBOUND_IMAP_URL = IMAP_URL
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeImap)
    agent = UserFactory(email="desk@cs.test")
    make_agent([agent])
    with django_capture_on_commit_callbacks(execute=True):
        req = request_submit(
            company=company, user=viewer, category="other", subject="Toner", message="Hello"
        )
    with django_capture_on_commit_callbacks(execute=True):
        request_reply(request=req, agent=agent, body="Which model?")
    token = reply_token(req.number)
    rows = Notification.objects.filter(recipient=viewer.email)
    assert rows.count() >= 2
    for row in rows:
        assert token not in _stored(row)
        page = agent_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
        assert page.status_code == 200 and token not in page.text

    answer = [m for m in mailoutbox if m.to == [viewer.email]][-1]
    reply_to = answer.extra_headers["Reply-To"]
    assert reply_to == reply_address(req.number) and token in reply_to

    reply = mail(sender=viewer.email, subject="Re: your answer", to=reply_to, body="HP 305")
    FakeImap.boxes = {"imap.cs.test": {1: reply.as_bytes()}}
    call_command("fetch_replies")
    assert Message.objects.filter(request=req, source=Message.Source.EMAIL).count() == 1


def test_reply_addresses_kept_in_clear_by_earlier_versions_are_made_at_send_by_the_migration(
    company, viewer, settings, mailoutbox
):
    import importlib

    from django.apps import apps

    from portal import notify
    from requests_inbox.reply_address import reply_address

    settings.REQUESTS_REPLY_TO = "requests@cs.test"
    migration = importlib.import_module(
        "requests_inbox.migrations.0007_outbox_reply_addresses_made_at_send"
    )
    address = reply_address("CS-2026-000042")
    token = address.split(".", 1)[1].split("@")[0]

    def old_row(status):
        return Notification.objects.create(
            event="request",
            template="requests_inbox_acknowledgement",
            recipient=viewer.email,
            user=viewer,
            company=company,
            status=status,
            context={"number": "CS-2026-000042", "subject": "Toner", "body": "Which model?"},
            headers={"References": "<CS-2026-000042@cs.test>", "Reply-To": address},
        )

    sent, waiting = old_row(Notification.Status.SENT), old_row(Notification.Status.PENDING)
    migration.reply_addresses_made_at_send(apps, None)
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert token not in _stored(sent) and "Reply-To" not in sent.headers
    assert sent.headers["References"] == "<CS-2026-000042@cs.test>"
    assert token not in _stored(waiting) and waiting.status == Notification.Status.PENDING
    assert notify.render(waiting).extra_headers["Reply-To"] == address  # still works when sent
