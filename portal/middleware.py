"""Request-level context: the user's language and the active company."""

import time
from collections.abc import Callable
from dataclasses import replace

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import translation

from portal.http import PortalRequest
from portal.identity import identity_of
from portal.models import Membership

# Requests a page makes on its own (the bell's count every minute): not the person's
# activity, so they never push the idle sign-out back (WCAG 2.2.1 warning stays true).
BACKGROUND_POLLS = ("portal:bell",)


def is_background_poll(request: HttpRequest) -> bool:
    return request.path_info in {reverse(name) for name in BACKGROUND_POLLS}


ACTIVE_COMPANY_KEY = "active_company_id"
SIGNED_IN_AT_KEY = "signed_in_at"
REFRESHED_AT_KEY = "refreshed_at"


class UserLanguageMiddleware:
    """A signed-in user's preferred language drives pages (anonymous: cookie/browser).

    Runs after AuthenticationMiddleware; the language switch updates the preference.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: PortalRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class ActiveCompanyMiddleware:
    """Resolve request.company from the session, re-checking the membership every time.

    A user with one membership gets it by default; a stale or forged session value
    (membership removed, another company's id) is dropped, never trusted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: PortalRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self._session_too_old(request):
                logout(request)
                user = request.user
            elif not is_background_poll(request):
                self._push_idle_expiry(request)
        request.company = None
        request.membership = None
        request.memberships = []
        if user is not None and user.is_authenticated:
            identity = identity_of(user)
            if identity is not None:  # read once per request (portal.identity)
                memberships = list(identity.memberships)
            else:
                memberships = list(
                    Membership.objects.filter(user=user)
                    .select_related("company__country")
                    .order_by("pk")  # the first company joined is the default, on every database
                )
            request.memberships = memberships  # the company switcher shows them too
            chosen = request.session.get(ACTIVE_COMPANY_KEY)
            membership = None
            if chosen is not None:
                membership = next((m for m in memberships if m.company_id == chosen), None)
            if membership is None:
                membership = next(iter(memberships), None)
                if membership is not None:
                    request.session[ACTIVE_COMPANY_KEY] = membership.company_id
                else:
                    request.session.pop(ACTIVE_COMPANY_KEY, None)
            if membership is not None:
                request.membership = membership
                request.company = membership.company
        return self.get_response(request)

    @staticmethod
    def _push_idle_expiry(request: HttpRequest) -> None:
        """A session ends SESSION_COOKIE_AGE after the last request (idle limit). Its
        expiry moves forward when the session is saved: here at most once per
        SESSION_REFRESH_SECONDS, rather than one database write on every page."""
        now = int(time.time())
        last = int(request.session.get(REFRESHED_AT_KEY, 0))
        if now - last >= settings.SESSION_REFRESH_SECONDS:
            request.session[REFRESHED_AT_KEY] = now

    @staticmethod
    def _session_too_old(request: HttpRequest) -> bool:
        """Sessions end SESSION_ABSOLUTE_MAX_AGE after sign-in whatever the activity."""
        started = request.session.get(SIGNED_IN_AT_KEY)
        now = int(time.time())
        if started is None:
            request.session[SIGNED_IN_AT_KEY] = now
            return False
        return now - int(started) > settings.SESSION_ABSOLUTE_MAX_AGE


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; Django's admin (staff only) also gets inline styles,
    which its widgets set from JavaScript. Customer pages keep the strict policy."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(f"/{settings.ADMIN_PATH}") and parts.update is None:
            parts = replace(parts, update={"style-src": ["'unsafe-inline'"]})
        return parts


class RejectNullCharactersMiddleware:
    """A NUL character in the URL path, a query string or a form field is never
    legitimate input: answer 400 (Bad Request) before any view, so no raw value can
    reach the database with one (PostgreSQL refuses them with an error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise BadRequest("NUL character in the URL path")
        if self._has_nul(request.GET) or (request.method == "POST" and self._has_nul(request.POST)):
            raise BadRequest("NUL character in the request parameters")
        return self.get_response(request)

    @staticmethod
    def _has_nul(params) -> bool:
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in params.lists()
        )


class IdRangeMiddleware:
    """Integer ids in the URL path (`<int:pk>`) beyond what the database holds are a 404
    before any view runs: no overflow in a query can become a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    @staticmethod
    def process_view(request: HttpRequest, view, args, kwargs) -> None:
        from portal.access import MAX_ID

        for value in list(args) + list(kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
                raise Http404("id out of range")


class PrivateResponsesMiddleware:
    """No browser or shared cache keeps what a signed-in user was shown (ASVS 8.2.1):
    pages, PDFs and exports answer `Cache-Control: private, no-store`, whatever a view
    set; other responses get it unless their view chose a policy. Every response says
    which browser features the portal never uses (`Permissions-Policy`).

    Placed after WhiteNoise, whose static files stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not response.has_header("Cache-Control"):
            response.headers["Cache-Control"] = "private, no-store"
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
