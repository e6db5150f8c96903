"""The outbox: written in the caller's transaction, sent once, retried, never lost."""

import datetime as dt
import time
from email import message_from_bytes

import pytest
from django.db import transaction
from django.utils import dateformat, timezone, translation

from portal import notify
from portal.models import Event, Notification
from portal.tasks import outbox_sweep
from tests.conftest import login_agent
from tests.factories.portal import UserFactory
from tests.portal.conftest import closed_port

pytestmark = pytest.mark.django_db


def queue(recipient="client@example.com", **extra):
    """One outbox row through the public API; the send waits for the commit."""
    context = {"title": "INV-1", "link": notify.absolute_url("portal:home")}
    return notify.notify(
        event=Event.ACCESS,
        template=extra.pop("template", "portal_test"),
        recipient=recipient,
        context={**context, **extra.pop("context", {})},
        **extra,
    )


@pytest.fixture(autouse=True)
def _templates(test_templates):
    """Every test here renders tests/portal/templates/email/portal_test.*."""


def make_due(row: Notification) -> None:
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_row_is_written_in_the_callers_transaction_and_sent_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = queue()
            assert Notification.objects.filter(pk=row.pk).exists()
            assert mailoutbox == []  # nothing leaves before the change is committed

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["client@example.com"]
    assert "http://127.0.0.1:8000/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert row.subject == message.subject


def test_rolled_back_change_leaves_no_row_and_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue()
                raise RuntimeError("the change failed")

    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mailoutbox == []


def test_a_row_is_sent_once_even_if_deliver_runs_twice(mailoutbox):
    row = queue()

    assert notify.deliver(row.pk) == "sent"
    assert notify.deliver(row.pk) == "skipped"

    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_the_email_is_rendered_in_the_recipients_language(mailoutbox):
    french = UserFactory(email="claire@example.fr", preferred_language="fr")
    english = UserFactory(email="john@example.com", preferred_language="en")

    for user in (french, english):
        notify.deliver(queue(recipient=user).pk)

    by_address = {m.to[0]: m for m in mailoutbox}
    with translation.override("fr"):
        french_month = dateformat.format(timezone.localdate(), "F Y")
    assert by_address["claire@example.fr"].subject == f"Oui: INV-1 {french_month}"
    assert f"Oui — INV-1 ({french_month})" in by_address["claire@example.fr"].body
    assert 'lang="fr"' in by_address["claire@example.fr"].alternatives[0][0]
    assert by_address["john@example.com"].subject.startswith("Yes: INV-1 ")


def test_crlf_in_the_subject_or_headers_adds_no_header(mailoutbox):
    row = queue(
        context={"title": "INV-1\r\nBcc: attacker@evil.test"},
        headers={"X-Portal-Ref": "INV-1\r\nBcc: attacker@evil.test"},
    )

    assert notify.deliver(row.pk) == "sent"

    message = mailoutbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == []
    assert message.recipients() == ["client@example.com"]
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed.get_all("Bcc") is None
    assert parsed["X-Portal-Ref"] == "INV-1 Bcc: attacker@evil.test"


def test_a_user_who_opted_out_gets_no_row_but_transactional_mail_always_goes():
    user = UserFactory(email="quiet@example.com")
    user.notification_prefs = {event: False for event in Event.values}
    user.save()

    optional = [e for e in Event.values if not user.wants(e)]
    if optional:
        assert (
            notify.notify(event=optional[0], template="portal_test", recipient=user, context={})
            is None
        )
    assert queue(recipient=user) is not None  # access e-mails are transactional


def test_dedupe_key_writes_one_row_ever():
    first = queue(dedupe_key="contracts:expiry:1:2:30")
    second = queue(dedupe_key="contracts:expiry:1:2:30")

    assert first.pk == second.pk
    assert Notification.objects.filter(dedupe_key="contracts:expiry:1:2:30").count() == 1


# --- SMTP faults: a real SMTP server (aiosmtpd) and a real refused connection ------------


def test_smtp_delivery_through_a_real_server(smtp_server):
    row = queue()

    assert notify.deliver(row.pk) == "sent"

    assert len(smtp_server.messages) == 1
    assert b"To: client@example.com" in smtp_server.messages[0]


def test_smtp_refusal_keeps_the_row_pending_with_its_error_and_a_backoff(smtp_server):
    smtp_server.reply = "451 4.3.0 Try again later"
    row = queue()
    before = timezone.now()

    assert notify.deliver(row.pk) == "failed"

    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error
    assert row.sent_at is None
    assert dt.timedelta(seconds=29) <= row.next_attempt_at - before <= dt.timedelta(seconds=32)
    assert notify.deliver(row.pk) == "not-due"  # not retried before its time

    smtp_server.reply = "250 OK"
    make_due(row)
    assert notify.deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(smtp_server.messages) == 1


def test_unreachable_smtp_server_backs_off_exponentially_capped_at_ten_minutes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    row = queue()

    delays = []
    for _ in range(7):
        make_due(row)
        before = timezone.now()
        assert notify.deliver(row.pk) == "failed"
        row.refresh_from_db()
        delays.append(round((row.next_attempt_at - before).total_seconds() / 30) * 30)

    assert delays == [30, 60, 120, 240, 480, 600, 600]
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 7
    assert "ConnectionRefusedError" in row.last_error


def test_a_hung_smtp_server_times_out_instead_of_blocking_the_worker(settings, hung_smtp_server):
    settings.EMAIL_TIMEOUT = 1
    row = queue()

    start = time.monotonic()
    assert notify.deliver(row.pk) == "failed"

    assert time.monotonic() - start < 5
    row.refresh_from_db()
    assert "timed out" in row.last_error.lower() or "timeout" in row.last_error.lower()
    assert row.status == Notification.Status.PENDING


def test_a_row_is_marked_failed_after_the_retry_period(settings, smtp_server):
    smtp_server.reply = "554 5.7.1 Rejected"
    settings.NOTIFY_RETRY_FOR = dt.timedelta(hours=2)
    young = queue(recipient="young@example.com")
    old = queue(recipient="old@example.com")
    Notification.objects.filter(pk=young.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1, minutes=59)
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2, seconds=1)
    )

    notify.deliver(young.pk)
    notify.deliver(old.pk)

    young.refresh_from_db()
    old.refresh_from_db()
    assert young.status == Notification.Status.PENDING
    assert old.status == Notification.Status.FAILED
    assert "554" in old.last_error
    assert notify.deliver(old.pk) == "skipped"  # a failed row is never picked up again
    assert smtp_server.messages == []


def test_the_sweep_sends_due_rows_and_leaves_the_others(mailoutbox):
    due = queue(recipient="due@example.com")  # never handed to a worker: no commit here
    later = queue(recipient="later@example.com")
    Notification.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    sent = queue(recipient="sent@example.com")
    notify.deliver(sent.pk)
    mailoutbox.clear()

    assert outbox_sweep.delay().get() == 1  # the periodic task, as beat runs it

    assert [m.to for m in mailoutbox] == [["due@example.com"]]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Notification.Status.SENT
    assert later.status == Notification.Status.PENDING


def test_agents_see_the_outbox_in_the_admin(client, smtp_server):
    from django.urls import reverse

    smtp_server.reply = "451 Try later"
    row = queue(recipient="waiting@example.com")
    notify.deliver(row.pk)
    from allauth.mfa.models import Authenticator

    agent = UserFactory(email="agent@example.com", is_staff=True, is_superuser=True)
    Authenticator.objects.create(  # agents work with TOTP switched on
        user=agent, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    login_agent(client, agent)

    listing = client.get(reverse("admin:portal_notification_changelist"))
    detail = client.get(reverse("admin:portal_notification_change", args=[row.pk]))

    assert listing.status_code == 200
    assert "waiting@example.com" in listing.text
    assert detail.status_code == 200
    assert "SMTPDataError: (451" in detail.text
