import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from contracts import services, tasks
from contracts.models import ContractStatus
from portal.models import Event, Notification, Role
from tests.conftest import login
from tests.contracts.factories import contract_in
from tests.factories.portal import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ending(company, approver):
    """An active contract ending in exactly 90 days."""
    today = timezone.localdate()
    return contract_in(
        ContractStatus.ACTIVE, company, actor=approver, end_date=today + datetime.timedelta(days=90)
    )


def _run(today, capture):
    with capture(execute=True):
        services.contracts_roll_daily(today=today)
        services.contract_expiry_notices(today=today)


def test_expiry_notices_go_once_per_threshold_even_if_the_task_runs_twice(
    company, approver, viewer, no_rights, ending, mailoutbox, django_capture_on_commit_callbacks
):
    opted_out = member(company, role=Role.VIEWER)
    opted_out.notification_prefs = {Event.CONTRACT_EXPIRY: False}
    opted_out.save()
    today = timezone.localdate()
    _run(today, django_capture_on_commit_callbacks)
    _run(today, django_capture_on_commit_callbacks)
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == len(set(recipients))  # twice run, once sent
    assert {approver.email, viewer.email} <= set(recipients)
    assert no_rights.email not in recipients and opted_out.email not in recipients
    followers = len(recipients)
    message = next(m for m in mailoutbox if m.to == [viewer.email])
    assert f"Contract {ending.number} expires in 90 days" in message.subject
    assert f"/contracts/{ending.number}/" in message.body

    mailoutbox.clear()
    for day in range(1, 60):  # every day until 31 days left: nothing new
        _run(today + datetime.timedelta(days=day), django_capture_on_commit_callbacks)
    assert mailoutbox == []
    _run(today + datetime.timedelta(days=60), django_capture_on_commit_callbacks)  # 30 left
    assert len(mailoutbox) == followers and "in 30 days" in mailoutbox[0].subject


def test_a_day_late_sends_the_missed_threshold_once(
    company, viewer, ending, mailoutbox, django_capture_on_commit_callbacks
):
    late = timezone.localdate() + datetime.timedelta(days=1)  # 89 days left
    _run(late, django_capture_on_commit_callbacks)
    _run(late, django_capture_on_commit_callbacks)
    mine = [m for m in mailoutbox if m.to == [viewer.email]]
    assert len(mine) == 1
    assert "expires in 89 days" in mine[0].subject
    assert (
        Notification.objects.filter(
            dedupe_key__startswith=f"contracts:expiry:{ending.pk}:{viewer.pk}:"
        ).count()
        == 1
    )


def test_a_long_outage_sends_only_the_most_relevant_threshold(
    company, viewer, ending, mailoutbox, django_capture_on_commit_callbacks
):
    very_late = timezone.localdate() + datetime.timedelta(days=85)  # 5 days left
    _run(very_late, django_capture_on_commit_callbacks)
    mine = [m for m in mailoutbox if m.to == [viewer.email]]
    assert len(mine) == 1
    assert "expires in 5 days" in mine[0].subject
    keys = list(Notification.objects.filter(user=viewer).values_list("dedupe_key", flat=True))
    assert keys == [f"contracts:expiry:{ending.pk}:{viewer.pk}:7"]


def test_no_notice_for_contracts_not_in_force(company, viewer, mailoutbox):
    today = timezone.localdate()
    contract_in(ContractStatus.DRAFT, company, end_date=today + datetime.timedelta(days=7))
    contract_in(ContractStatus.TERMINATED, company, end_date=today + datetime.timedelta(days=7))
    assert services.contract_expiry_notices(today=today) == 0


def test_the_beat_task_rolls_and_notifies(company, viewer, settings):
    today = timezone.localdate()
    contract_in(ContractStatus.ACTIVE, company, end_date=today + datetime.timedelta(days=7))
    assert "contracts.tasks.expiry_notices" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    counts = tasks.expiry_notices.apply().get()
    assert counts["notices"] >= 1


def test_relevant_threshold():
    assert services.relevant_threshold(90, [90, 30, 7]) == 90
    assert services.relevant_threshold(91, [90, 30, 7]) is None
    assert services.relevant_threshold(31, [90, 30, 7]) == 90
    assert services.relevant_threshold(0, [90, 30, 7]) == 7
    assert services.relevant_threshold(-1, [90, 30, 7]) is None


# --- calendar feed -------------------------------------------------------------------


def _create_feed(client):
    response = client.post(reverse("contracts:calendar_create"), follow=True)
    text = response.content.decode()
    start = text.index("/contracts/calendar/feed/")
    url = text[start : text.index(".ics", start) + 4]
    return url


def test_calendar_feed_lists_end_and_renewal_dates_without_a_session(
    client, viewer, company, other_company
):
    today = timezone.localdate()
    contract = contract_in(
        ContractStatus.ACTIVE,
        company,
        end_date=today + datetime.timedelta(days=100),
        renewal_date=today + datetime.timedelta(days=40),
    )
    contract_in(ContractStatus.ACTIVE, other_company, title="Foreign deal")
    login(client, viewer, company)
    url = _create_feed(client)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events[f"Contract {contract.number} ends — {contract.title}"] == contract.end_date
    assert (
        events[f"Contract {contract.number}: renewal notice date — {contract.title}"]
        == contract.renewal_date
    )
    assert not any("Foreign deal" in summary for summary in events)


def test_revoked_feed_or_lost_authorization_is_404(client, viewer, company):
    login(client, viewer, company)
    url = _create_feed(client)
    assert client.get(url).status_code == 200
    viewer.authorizations.filter(app="contracts").update(status="revoked")
    assert client.get(url).status_code == 404
    viewer.authorizations.filter(app="contracts").update(status="granted")
    feed = viewer.contract_feeds.get()
    client.post(reverse("contracts:calendar_revoke", kwargs={"pk": feed.pk}))
    assert client.get(url).status_code == 404
    assert client.get("/contracts/calendar/feed/not-a-token.ics").status_code == 404


def test_a_user_cannot_revoke_someone_elses_feed(client, viewer, approver, company):
    feed, _token = services.calendar_feed_create(company=company, user=approver)
    login(client, viewer, company)
    response = client.post(reverse("contracts:calendar_revoke", kwargs={"pk": feed.pk}))
    assert response.status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
