import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import cached_property

from portal.applications import CATALOGUE
from portal.middleware import REFRESHED_AT_KEY
from portal.models import Membership
from portal.notification_centre import COUNT_SHOWN_MAX, unread_count


class Bell:
    """The header's bell: the unread count is read only when a template shows it."""

    poll_seconds = 60

    def __init__(self, user: Any):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)

    @property
    def over_max(self) -> bool:
        return self.unread > COUNT_SHOWN_MAX


def portal(request: HttpRequest) -> dict[str, Any]:
    """Brand, ID name, the navigation of offered applications and the company switcher."""
    company = getattr(request, "company", None)
    nav = []
    companies = []
    if company is not None:
        nav = [info for code, info in CATALOGUE.items() if company.country.offers(code)]
        memberships = getattr(request, "memberships", None)
        if memberships is None:  # a request that did not go through the middleware
            memberships = Membership.objects.filter(user=request.user.pk).select_related("company")
        companies = [m.company for m in memberships]
    idle_left = None
    bell = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.is_staff:
        bell = Bell(user)
    if user is not None and user.is_authenticated and hasattr(request, "session"):
        refreshed = int(request.session.get(REFRESHED_AT_KEY, 0)) or int(time.time())
        idle_left = max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - refreshed))
    return {
        "session_idle_left": idle_left,  # seconds before the idle sign-out (the warning's clock)
        # ... after a request made from the page (the expiry moves at most once a minute)
        "session_idle_full": settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS,
        "PORTAL_BRAND": settings.PORTAL_BRAND,
        "PORTAL_ID_NAME": settings.PORTAL_ID_NAME,
        "nav_apps": nav,
        "active_company": company,
        "user_companies": companies,
        "bell": bell,
    }
