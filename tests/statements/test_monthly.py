"""The monthly statement e-mail: first business day, opt-in, exactly once, late runs."""

from datetime import date
from decimal import Decimal

import pytest

from portal.models import Event, Notification, Role
from statements.services import monthly_statements_send
from statements.tasks import monthly_statements
from tests.factories.portal import member
from tests.statements.factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(company):
    user = member(company, role=Role.VIEWER, email="finance@acme.test")
    user.notification_prefs = {Event.MONTHLY_STATEMENT: True}
    user.save()
    return user


def _run(capture, today):
    with capture(execute=True):
        return monthly_statements_send(today=today)


def test_sent_once_with_the_pdf_even_if_the_task_runs_twice(
    ledger, subscriber, django_capture_on_commit_callbacks, mailoutbox
):
    # 1 March 2026 is a Sunday: the first business day is Monday 2 March
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 1)) == 0
    assert mailoutbox == []
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 2)) == 1
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 2)) == 0
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["finance@acme.test"]
    assert mail.subject == "Your statement for 02/2026: account BA-100"
    assert "Closing balance in EUR: 1,050.00 EUR" in mail.body
    assert "Closing balance in USD: 500.00 USD" in mail.body
    assert "/statements/BA-100/EUR/?period=custom&start=2026-02-01&end=2026-02-28" in mail.body
    names = sorted(a[0] for a in mail.attachments)
    assert names == ["statement-BA-100-EUR-2026-02.pdf", "statement-BA-100-USD-2026-02.pdf"]
    assert all(a[1].startswith(b"%PDF") for a in mail.attachments)
    key = f"statements:monthly:{ledger['account'].pk}:{subscriber.pk}:2026-02"
    assert Notification.objects.get(dedupe_key=key).status == Notification.Status.SENT


def test_a_late_run_still_sends_the_month_once(
    ledger, subscriber, django_capture_on_commit_callbacks, mailoutbox
):
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 17)) == 1
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 18)) == 0
    assert len(mailoutbox) == 1
    # the next month is sent on its own first business day
    assert _run(django_capture_on_commit_callbacks, date(2026, 4, 1)) == 1
    assert mailoutbox[1].subject == "Your statement for 03/2026: account BA-100"


def test_public_holiday_moves_the_first_business_day(
    company, subscriber, django_capture_on_commit_callbacks, mailoutbox
):
    PaymentFactory(
        billing_account__company=company, date=date(2026, 4, 20), amount=Decimal("10.00")
    )
    # Friday 1 May 2026 is Labour Day in France: Monday 4 May is the first business day
    assert _run(django_capture_on_commit_callbacks, date(2026, 5, 1)) == 0
    assert _run(django_capture_on_commit_callbacks, date(2026, 5, 4)) == 1
    assert len(mailoutbox) == 1


def test_only_users_who_chose_it_and_may_see_statements(
    ledger, company, django_capture_on_commit_callbacks, mailoutbox
):
    member(company, role=Role.VIEWER, email="default@acme.test")  # never chose it
    no_app = member(company, role=Role.VIEWER, apps=["invoices"], email="invoices@acme.test")
    no_app.notification_prefs = {Event.MONTHLY_STATEMENT: True}
    no_app.save()
    opted_out = member(company, role=Role.VIEWER, email="out@acme.test")
    opted_out.notification_prefs = {Event.MONTHLY_STATEMENT: False}
    opted_out.save()
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 2)) == 0
    assert mailoutbox == []


def test_the_beat_task_runs_the_service(ledger, subscriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        monthly_statements.apply()
    # whatever today is, a second run sends nothing new
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        monthly_statements.apply()
    assert Notification.objects.count() == before


def test_the_e_mail_speaks_the_recipient_language(
    ledger, subscriber, django_capture_on_commit_callbacks, mailoutbox
):
    subscriber.preferred_language = "fr"
    subscriber.save()
    assert _run(django_capture_on_commit_callbacks, date(2026, 3, 2)) == 1
    assert mailoutbox[0].subject == "Votre relevé de 02/2026 : compte BA-100"
    assert "Solde de clôture en EUR" in mailoutbox[0].body
