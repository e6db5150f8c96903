"""Business days in the company country's calendar (weekends and public holidays)."""

from datetime import date, timedelta

import holidays


def _calendar(country) -> holidays.HolidayBase | dict:
    code = country.holiday_calendar or country.code
    try:
        return holidays.country_holidays(code)
    except NotImplementedError:  # a country the package does not know: weekends only
        return {}


def first_business_day(year: int, month: int, country) -> date:
    """The first day of the month that is neither a weekend nor a public holiday."""
    calendar = _calendar(country)
    day = date(year, month, 1)
    while day.weekday() >= 5 or day in calendar:
        day += timedelta(days=1)
    return day
