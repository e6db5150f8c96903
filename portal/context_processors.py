from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.applications import CATALOGUE
from portal.models import Membership


def portal(request: HttpRequest) -> dict[str, Any]:
    """Brand, ID name, the navigation of offered applications and the company switcher."""
    company = getattr(request, "company", None)
    nav = []
    companies = []
    if company is not None:
        nav = [info for code, info in CATALOGUE.items() if company.country.offers(code)]
        memberships = getattr(request, "memberships", None)
        if memberships is None:  # a request that did not go through the middleware
            memberships = Membership.objects.filter(user=request.user).select_related("company")
        companies = [m.company for m in memberships]
    return {
        "PORTAL_BRAND": settings.PORTAL_BRAND,
        "PORTAL_ID_NAME": settings.PORTAL_ID_NAME,
        "nav_apps": nav,
        "active_company": company,
        "user_companies": companies,
    }
