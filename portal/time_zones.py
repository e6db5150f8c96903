"""Each user's time zone: the one chosen in the profile, else the company country's.

Pages (UserTimeZoneMiddleware), e-mails (portal.notify) and PDFs rendered for a user
show times in it, with the zone named by the date formats (portal/formats). Business
days are counted in the company country's zone, whoever looks (portal.business_days).
"""

from collections.abc import Callable
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# The main zone of each country the portal serves; a country added later may set its own.
COUNTRY_ZONES = {
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "GB": "Europe/London",
    "US": "America/New_York",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "BE": "Europe/Brussels",
    "CH": "Europe/Zurich",
    "NL": "Europe/Amsterdam",
}


@cache
def zone_names() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def valid_zone(name: str) -> bool:
    return name in zone_names()


def country_zone(country) -> ZoneInfo:
    name = getattr(country, "time_zone", "") or COUNTRY_ZONES.get(getattr(country, "code", ""))
    return ZoneInfo(name if name and valid_zone(name) else settings.TIME_ZONE)


def zone_for(user, company=None) -> ZoneInfo:
    """The user's own zone, else the company country's, else the portal's default."""
    name = getattr(user, "time_zone", "") if user is not None else ""
    if name and valid_zone(name):
        return ZoneInfo(name)
    if company is None and user is not None and getattr(user, "pk", None):
        membership = user.memberships.select_related("company__country").first()
        company = membership.company if membership is not None else None
    if company is not None:
        return country_zone(company.country)
    return ZoneInfo(settings.TIME_ZONE)


class UserTimeZoneMiddleware:
    """Activate the signed-in user's zone for the request (after ActiveCompanyMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_for(user, getattr(request, "company", None)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
