"""Business days in a company country's calendar (its weekend and public holidays skipped).

The calendar is the country's `holiday_calendar` or its ISO code, resolved by the
`holidays` package, which also knows each country's weekend (Friday-Saturday in
Saudi Arabia, for instance); an unknown calendar skips Saturday and Sunday only.
Used by My requests (the one-business-day answer promise) and Statements (first
business day of the month).
"""

from datetime import date, datetime
from functools import lru_cache
from typing import Any

import holidays
from django.utils import timezone

from portal.models import Country


@lru_cache(maxsize=64)
def _calendar(code: str) -> holidays.HolidayBase:
    """The country's calendar; it fills in each year on first use."""
    try:
        return holidays.country_holidays(code)
    except NotImplementedError:
        return holidays.HolidayBase()


def calendar_code(country: Country) -> str:
    return (country.holiday_calendar or country.code).upper()


def is_business_day(day: date, calendar: str) -> bool:
    return _calendar(calendar.upper()).is_working_day(day)


def add_business_days(start: datetime, days: int, calendar: str, zone: Any = None) -> datetime:
    """`days` business days after `start`, at the same local time of day.

    A start on a weekend or holiday counts from that day: Friday evening or
    Saturday + 1 business day is Monday (or Tuesday if Monday is a holiday).
    """
    local = timezone.localtime(start, zone) if timezone.is_aware(start) else start
    day = local.date()
    if days:
        day = _calendar(calendar.upper()).get_nth_working_day(day, days)
    result = datetime.combine(day, local.time().replace(tzinfo=None))
    if timezone.is_aware(start):
        result = timezone.make_aware(result, local.tzinfo)
    return result


def first_business_day(year: int, month: int, country: Country) -> date:
    """The first day of the month that is neither a weekend day nor a public holiday."""
    return _calendar(calendar_code(country)).get_nth_working_day(date(year, month, 1), 0)
