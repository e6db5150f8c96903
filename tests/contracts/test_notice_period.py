"""Expiry notices honour the notice period; e-mails show dates in the recipient's language;
the calendar's events carry alarms before the notice deadline and the end date."""

import datetime

import pytest
from django.utils import formats, timezone, translation
from icalendar import Calendar

from contracts import services
from contracts.calendar import build_calendar
from contracts.models import CalendarFeed, ContractStatus
from portal.models import Notification, Role
from tests.contracts.factories import contract_in
from tests.factories.portal import member

pytestmark = pytest.mark.django_db


def test_first_notice_comes_before_the_renewal_notice_deadline(company, approver):
    today = datetime.date(2026, 6, 1)
    # ends 31/12, notice to give by 30/09: the 90-day notice counts down to 30/09
    contract = contract_in(
        ContractStatus.ACTIVE,
        company,
        actor=approver,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        renewal_date=datetime.date(2026, 9, 30),
    )
    french = member(company, role=Role.VIEWER, preferred_language="fr")
    Notification.objects.all().delete()
    sent_on = {}
    day = today
    while day <= datetime.date(2026, 12, 31):
        before = set(Notification.objects.values_list("pk", flat=True))
        services.contract_expiry_notices(today=day)
        for row in Notification.objects.exclude(pk__in=before).filter(template="contracts_expiry"):
            sent_on.setdefault((row.context["deadline"], row.context["threshold"]), day)
        day += datetime.timedelta(days=1)
    assert sent_on[("notice", 90)] == datetime.date(2026, 7, 2)  # 90 days before 30/09
    assert sent_on[("notice", 7)] == datetime.date(2026, 9, 23)
    assert min(sent_on.values()) < contract.renewal_date
    assert sent_on[("end", 90)] == datetime.date(2026, 10, 2)  # then the end date
    row = Notification.objects.filter(recipient=french.email, template="contracts_expiry").first()
    assert row.context["renewal_date"] == "30 septembre 2026"
    assert row.context["end_date"] == "31 décembre 2026"
    english = Notification.objects.filter(recipient=approver.email).first()
    assert english.context["end_date"] == "Dec. 31, 2026"  # not ISO


def test_notice_e_mail_names_the_notice_deadline_in_the_recipient_language(
    company, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    renewal = today + datetime.timedelta(days=30)
    contract_in(
        ContractStatus.ACTIVE,
        company,
        end_date=today + datetime.timedelta(days=200),
        renewal_date=renewal,
    )
    french = member(company, role=Role.VIEWER, preferred_language="fr")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_expiry_notices(today=today)
    message = next(m for m in mailoutbox if m.to == [french.email])
    with translation.override("fr"):
        expected = formats.date_format(renewal, "DATE_FORMAT")
    assert expected in message.body and renewal.isoformat() not in message.body
    assert "préavis" in message.subject


def test_calendar_events_carry_alarms_before_the_deadlines(company, settings):
    settings.CONTRACT_EXPIRY_THRESHOLDS = [90, 30, 7]
    today = timezone.localdate()
    contract_in(
        ContractStatus.ACTIVE,
        company,
        end_date=today + datetime.timedelta(days=200),
        renewal_date=today + datetime.timedelta(days=100),
    )
    user = member(company, role=Role.VIEWER)
    feed = CalendarFeed.objects.create(company=company, user=user, token_hash="x" * 64)
    calendar = Calendar.from_ical(build_calendar(feed))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    for event in events:
        triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
        assert triggers == [
            datetime.timedelta(days=-90),
            datetime.timedelta(days=-30),
            datetime.timedelta(days=-7),
        ]
