"""The request as the portal completes it, for type checking.

`portal.middleware.ActiveCompanyMiddleware` sets `company`, `membership` and
`memberships` on every request; the gate (`portal.access`) sets `app`; django-htmx
sets `htmx`. Views annotate their request with the type that says what they may rely
on: `PortalRequest` past the sign-in, `AppRequest` behind `app_view`, `company_required` or
`company_admin_required` (signed in, with an active company).
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from portal.models import Company, Membership, User


class PortalRequest(HttpRequest):
    """Past the sign-in (every page but those marked `public_view`)."""

    user: "User"
    company: "Company | None"
    membership: "Membership | None"
    memberships: "list[Membership]"
    app: str
    htmx: "HtmxDetails"
    request_id: str
    _client_ip: str


class AppRequest(PortalRequest):
    """Signed in with an active company: what the gate lets through."""

    company: "Company"
    membership: "Membership"
