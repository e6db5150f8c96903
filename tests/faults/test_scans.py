"""Scans run twice, and after two days of beat downtime: each due e-mail exactly once.

The four daily scans (contract expiry, monthly statements, request reminders,
overdue invoices) run as beat runs them (the Celery tasks, twice in a row), then
as if beat had been down for two days: the services that take `today` are given
the later date; the request reminders (which read the clock) get data shifted two
days into the past. Every e-mail goes to a real SMTP sink over SMTP and is counted
there: one message per recipient and subject, one per outbox row.
"""

from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes

import pytest
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import ContractStatus
from contracts.tasks import expiry_notices
from invoices.tasks import overdue_scan
from portal.agents import make_agent
from portal.applications import App
from portal.models import Event, Notification, Role, User
from requests_inbox.models import Request
from requests_inbox.services import request_submit
from requests_inbox.tasks import due_reminders
from statements.services import monthly_statements_send
from statements.tasks import monthly_statements
from tests.contracts.factories import contract_in
from tests.factories.portal import UserFactory, member
from tests.faults.conftest import subject_of
from tests.invoices.factories import InvoiceFactory
from tests.statements.conftest import ledger  # noqa: F401 - the statements fixture

pytestmark = pytest.mark.django_db


def received(sink) -> Counter:
    return Counter((message_from_bytes(raw)["To"], subject_of(raw)) for raw in sink.messages)


def assert_each_once(sink) -> None:
    """Every outbox row sent, and the sink holds exactly one e-mail per row."""
    rows = Notification.objects.all()
    assert rows.exclude(status=Notification.Status.SENT).count() == 0
    counts = received(sink)
    duplicates = {key: n for key, n in counts.items() if n > 1}
    assert duplicates == {}
    assert len(sink.messages) == rows.count()


def test_scans_twice_and_after_two_days_of_beat_downtime_send_each_email_once(
    company,
    ledger,  # noqa: F811 - the imported fixture
    smtp_sink,
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    finance = member(company, role=Role.VIEWER, email="finance@acme.test")
    finance.notification_prefs = {Event.INVOICE_OVERDUE: True, Event.MONTHLY_STATEMENT: True}
    finance.save()
    agent = UserFactory(email="agent@cs.test")
    make_agent([agent])

    with django_capture_on_commit_callbacks(execute=True):  # their own e-mails go out too
        contract = contract_in(ContractStatus.ACTIVE, company, end_date=today + timedelta(days=32))
        overdue = InvoiceFactory(company=company, due_date=today - timedelta(days=3))
        soon = request_submit(
            company=company, user=finance, category="other", subject="Soon", message="Hello"
        )
        late = request_submit(
            company=company, user=finance, category="other", subject="Late", message="Hello"
        )
    Request.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(hours=1))
    # Due two days ago: the reminder runs of those two days never happened.
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=2))

    # --- Beat runs every scan twice in a row today.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            expiry_notices.apply()
            monthly_statements.apply()
            due_reminders.apply()
            overdue_scan.apply()
    assert_each_once(smtp_sink)

    contract_users = list(User.objects.with_app(company, App.CONTRACTS))
    expiry = Notification.objects.filter(template="contracts_expiry")
    assert expiry.count() == len(contract_users)  # the 90-day notice, once per user
    reminders = Notification.objects.filter(template="requests_inbox_due_reminder")
    assert sorted(r.context["kind"] for r in reminders) == ["overdue", "soon"]
    assert {r.recipient for r in reminders} == {agent.email}
    overdue_mail = Notification.objects.filter(
        template="invoices_overdue", context__number=overdue.number
    )
    assert list(overdue_mail.values_list("recipient", flat=True)) == [finance.email]

    # --- Beat down for two days: the contract crossed its 30-day threshold meanwhile
    # (31 and 30 days left were missed); the run after the outage sends it once.
    later = today + timedelta(days=3)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            contract_services.contract_expiry_notices(today=later)
            due_reminders.apply()
    assert_each_once(smtp_sink)
    assert expiry.count() == 2 * len(contract_users)  # the 30-day notice (29 days left)
    for user in contract_users:
        subjects = sorted(
            subject_of(raw)
            for raw in smtp_sink.messages
            if message_from_bytes(raw)["To"] == user.email and "expires in" in subject_of(raw)
        )
        assert subjects == [
            f"Contract {contract.number} expires in 29 days",
            f"Contract {contract.number} expires in 32 days",
        ]
    assert reminders.count() == 2

    # --- Monthly statements: beat down on the first two business days of March 2026
    # (Monday 2 and Tuesday 3); the Wednesday run sends February once, a rerun nothing.
    key = f"statements:monthly:{ledger['account'].pk}:{finance.pk}:2026-02"
    assert not Notification.objects.filter(dedupe_key=key).exists()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            monthly_statements_send(today=date(2026, 3, 4))
    assert_each_once(smtp_sink)
    statement = Notification.objects.get(dedupe_key=key)
    assert statement.recipient == finance.email
    february = [
        raw
        for raw in smtp_sink.messages
        if "02/2026" in subject_of(raw) and message_from_bytes(raw)["To"] == finance.email
    ]
    assert len(february) == 1
