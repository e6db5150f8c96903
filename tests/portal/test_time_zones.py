"""Times in the reader's zone, with the zone named; business days in the company's country."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Role
from requests_inbox.models import Request
from requests_inbox.services import answer_due, request_submit
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.requests_inbox.factories import RequestFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 1, 2, 40, tzinfo=UTC)  # 9:40 p.m. in New York, 03:40 in Paris


@pytest.fixture
def us_company(db):
    us = CountryFactory(code="US", name="United States", apps=["requests"], currency="USD")
    return CompanyFactory(country=us, name="Globex")


def _detail(client, user, company):
    req = RequestFactory(company=company, requester=user)
    Request.objects.filter(pk=req.pk).update(created_at=AT)
    login(client, user, company)
    return client.get(req.get_absolute_url()).content.decode()


def test_a_us_user_sees_new_york_time_with_its_zone(client, us_company):
    user = member(us_company, role=Role.VIEWER)
    page = _detail(client, user, us_company)
    assert "11/30/2026 9:40 PM EST" in page  # the US 12-hour clock, not "p.m."


def test_a_french_user_sees_paris_time_with_its_zone(client, company):
    user = member(company, role=Role.VIEWER, preferred_language="fr")
    page = _detail(client, user, company)
    assert "03:40 CET" in page


def test_the_profile_zone_wins_and_can_be_chosen(client, us_company):
    user = member(us_company, role=Role.VIEWER)
    login(client, user, us_company)
    response = client.post(
        reverse("portal:profile"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "preferred_language": "en",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"
    assert "11:40 AM JST" in _detail(client, user, us_company)
    bad = client.post(
        reverse("portal:profile"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "preferred_language": "en",
            "time_zone": "Mars/Base",
        },
    )
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"


def test_e_mails_show_the_recipients_zone(
    us_company, django_capture_on_commit_callbacks, mailoutbox
):
    user = member(us_company, role=Role.VIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        request_submit(
            company=us_company, user=user, category="other", subject="Toner", message="Hi"
        )
    assert " EST" in mailoutbox[0].body or " EDT" in mailoutbox[0].body


def test_business_days_are_counted_in_the_company_country_whoever_looks(company):
    friday_night = datetime(2026, 12, 4, 22, 30, tzinfo=UTC)  # Fri 23:30 Paris, Sat in Tokyo
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        due = answer_due(company, friday_night)
    paris = due.astimezone(ZoneInfo("Europe/Paris"))
    assert (paris.strftime("%A"), paris.hour, paris.minute) == ("Monday", 23, 30)
