"""The one-business-day answer promise of My requests (calendar logic: portal.business_days)."""

from datetime import datetime

from portal.business_days import add_business_days, calendar_code, is_business_day
from portal.models import Company
from portal.time_zones import country_zone

__all__ = ["add_business_days", "answer_due", "is_business_day"]


def answer_due(company: Company, submitted_at: datetime) -> datetime:
    """One business day after submission in the company country's calendar, same time of day."""
    return add_business_days(
        submitted_at, 1, calendar_code(company.country), country_zone(company.country)
    )
