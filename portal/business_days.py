"""Business days in a company country's calendar (weekends and public holidays skipped).

The calendar is the country's `holiday_calendar` or its ISO code, resolved by the
`holidays` package; an unknown calendar only skips weekends. Used by My requests
(the one-business-day answer promise) and Statements (first business day of the month).
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import holidays
from django.utils import timezone

from portal.models import Country


@lru_cache(maxsize=64)
def _calendar(code: str, year: int) -> holidays.HolidayBase | dict:
    try:
        return holidays.country_holidays(code, years=year)
    except NotImplementedError:
        return {}


def calendar_code(country: Country) -> str:
    return (country.holiday_calendar or country.code).upper()


def is_business_day(day: date, calendar: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(calendar.upper(), day.year)


def next_business_day(day: date, calendar: str) -> date:
    """The first business day strictly after `day`."""
    day += timedelta(days=1)
    while not is_business_day(day, calendar):
        day += timedelta(days=1)
    return day


def add_business_days(start: datetime, days: int, calendar: str, zone: Any = None) -> datetime:
    """`days` business days after `start`, at the same local time of day.

    A start on a weekend or holiday counts from that day: Friday evening or
    Saturday + 1 business day is Monday (or Tuesday if Monday is a holiday).
    """
    local = timezone.localtime(start, zone) if timezone.is_aware(start) else start
    day = local.date()
    for _ in range(days):
        day = next_business_day(day, calendar)
    result = datetime.combine(day, local.time().replace(tzinfo=None))
    if timezone.is_aware(start):
        result = timezone.make_aware(result, local.tzinfo)
    return result


def first_business_day(year: int, month: int, country: Country) -> date:
    """The first day of the month that is neither a weekend nor a public holiday."""
    day = date(year, month, 1)
    calendar = calendar_code(country)
    while not is_business_day(day, calendar):
        day += timedelta(days=1)
    return day
