"""One business day later, in the company country's calendar, keeping the time of day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.business_days import add_business_days, first_business_day, is_business_day
from requests_inbox.services import answer_due
from tests.factories.portal import CompanyFactory, CountryFactory

PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 3, 10, 10, 0), at(2026, 3, 11, 10, 0)),  # Tuesday → Wednesday
        (at(2026, 3, 13, 18, 30), at(2026, 3, 16, 18, 30)),  # Friday evening → Monday
        (at(2026, 3, 14, 11, 0), at(2026, 3, 16, 11, 0)),  # Saturday → Monday
        (at(2026, 3, 15, 23, 59), at(2026, 3, 16, 23, 59)),  # Sunday night → Monday
        (at(2026, 7, 13, 9, 0), at(2026, 7, 15, 9, 0)),  # before 14 July → the 15th
        (at(2026, 7, 14, 9, 0), at(2026, 7, 15, 9, 0)),  # on 14 July → the 15th
        (at(2026, 12, 24, 16, 0), at(2026, 12, 28, 16, 0)),  # Christmas Friday + weekend
        (at(2026, 4, 3, 12, 0), at(2026, 4, 7, 12, 0)),  # Good Friday → Easter Monday skipped
        (at(2026, 5, 13, 8, 0), at(2026, 5, 15, 8, 0)),  # Ascension Thursday 14 May skipped
        (at(2026, 3, 27, 10, 0), at(2026, 3, 30, 10, 0)),  # across the switch to summer time
    ],
)
def test_one_business_day_in_france(start, expected):
    result = add_business_days(start, 1, "FR")
    assert result == expected
    assert result.astimezone(PARIS).hour == start.hour  # time of day kept across DST


def test_several_business_days_skip_every_holiday():
    # Thursday 30 April 2026: 1 May (Friday) and 8 May (Friday) are public holidays.
    assert add_business_days(at(2026, 4, 30, 9, 0), 5, "FR") == at(2026, 5, 11, 9, 0)


def test_french_calendar_knows_the_holidays():
    assert not is_business_day(datetime(2026, 7, 14).date(), "FR")
    assert not is_business_day(datetime(2026, 12, 25).date(), "FR")
    assert not is_business_day(datetime(2026, 4, 6).date(), "FR")  # Easter Monday
    assert is_business_day(datetime(2026, 4, 3).date(), "FR")  # Good Friday is worked in France


def test_us_calendar_uses_observed_independence_day():
    # 4 July 2026 is a Saturday: observed on Friday 3 July.
    assert add_business_days(at(2026, 7, 2, 10, 0), 1, "US") == at(2026, 7, 6, 10, 0)


def test_unknown_calendar_skips_weekends_only():
    assert add_business_days(at(2026, 7, 13, 9, 0), 1, "ZZ") == at(2026, 7, 14, 9, 0)
    assert add_business_days(at(2026, 7, 17, 9, 0), 1, "ZZ") == at(2026, 7, 20, 9, 0)


@pytest.mark.django_db
def test_answer_due_follows_the_company_country():
    us = CountryFactory(code="US", name="United States", currency="USD")
    american = CompanyFactory(country=us)
    french = CompanyFactory(country=CountryFactory())
    start = at(2026, 7, 13, 9, 0)  # Monday before 14 July
    assert answer_due(french, start) == at(2026, 7, 15, 9, 0)
    assert answer_due(american, start) == at(2026, 7, 14, 9, 0)


@pytest.mark.django_db
def test_holiday_calendar_overrides_the_iso_code():
    alsace = CountryFactory(code="XA", name="Alsace test", holiday_calendar="FR")
    company = CompanyFactory(country=alsace)
    assert answer_due(company, at(2026, 7, 13, 9, 0)) == at(2026, 7, 15, 9, 0)


def test_saudi_weekend_is_friday_and_saturday():
    # Thursday 8 October 2026 + 1 business day: Friday and Saturday are the weekend there.
    assert add_business_days(at(2026, 10, 8, 9, 0), 1, "SA") == at(2026, 10, 11, 9, 0)
    assert is_business_day(datetime(2026, 10, 11).date(), "SA")  # Sunday is worked
    assert not is_business_day(datetime(2026, 10, 9).date(), "SA")  # Friday is not


@pytest.mark.django_db
def test_answer_due_and_first_business_day_follow_the_country_weekend():
    saudi = CompanyFactory(country=CountryFactory(code="SA", name="Saudi Arabia", currency="SAR"))
    # Thursday 8 October 2026: a French company waits until Friday, a Saudi one until Sunday.
    assert answer_due(saudi, at(2026, 10, 8, 9, 0)) == at(2026, 10, 11, 9, 0)
    # 1 August 2026 is a Saturday: first business day is Sunday the 2nd in Saudi Arabia.
    assert first_business_day(2026, 8, saudi.country).isoformat() == "2026-08-02"
    assert first_business_day(2026, 8, CountryFactory(code="FR")).isoformat() == "2026-08-03"


def test_calendar_continues_across_the_new_year():
    # Thursday 31 December 2026: 1 January is a holiday, then the weekend.
    assert add_business_days(at(2026, 12, 31, 9, 0), 1, "FR") == at(2027, 1, 4, 9, 0)
