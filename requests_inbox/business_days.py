"""Business days in a company country's calendar (weekends and public holidays skipped).

Used for the "answer expected by" promise of My requests: one business day after
submission, keeping the time of day. The calendar is the country's
`holiday_calendar` or its ISO code, resolved by the `holidays` package; an
unknown calendar only skips weekends.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from portal.models import Company


@lru_cache(maxsize=64)
def _calendar(code: str, year: int) -> holidays.HolidayBase | dict:
    try:
        return holidays.country_holidays(code, years=year)
    except NotImplementedError:
        return {}


def calendar_code(company: Company) -> str:
    return company.country.holiday_calendar or company.country.code


def is_business_day(day: date, calendar: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(calendar.upper(), day.year)


def next_business_day(day: date, calendar: str) -> date:
    """The first business day strictly after `day`."""
    day += timedelta(days=1)
    while not is_business_day(day, calendar):
        day += timedelta(days=1)
    return day


def add_business_days(start: datetime, days: int, calendar: str) -> datetime:
    """`days` business days after `start`, at the same local time of day.

    A start on a weekend or holiday counts from that day: Friday evening or
    Saturday + 1 business day is Monday (or Tuesday if Monday is a holiday).
    """
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    day = local.date()
    for _ in range(days):
        day = next_business_day(day, calendar)
    result = datetime.combine(day, local.time().replace(tzinfo=None))
    if timezone.is_aware(start):
        result = timezone.make_aware(result, local.tzinfo)
    return result


def answer_due(company: Company, submitted_at: datetime) -> datetime:
    """The one-business-day answer promise of My requests."""
    return add_business_days(submitted_at, 1, calendar_code(company))
