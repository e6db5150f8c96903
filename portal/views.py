"""Portal pages: home (the one-stop shop), health, language switch, errors."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from portal.access import open_to_member, public_view
from portal.applications import CATALOGUE, home_figures
from portal.middleware import REFRESHED_AT_KEY
from portal.models import Authorization
from portal.observability import security_event

log = logging.getLogger(__name__)


@public_view
def home(request: HttpRequest) -> HttpResponse:
    """Customer Service Online: a tile per application offered in the company's country."""
    tiles = []
    company = getattr(request, "company", None)
    if request.user.is_authenticated and company is not None:
        auths = {a.app: a for a in Authorization.objects.filter(user=request.user, company=company)}
        for code, info in CATALOGUE.items():
            if not company.country.offers(code):
                continue
            auth = auths.get(code)
            state = "request"
            if auth is not None and auth.status == Authorization.Status.GRANTED:
                state = "open"
            elif open_to_member(request.user, company, code, auth):
                state = "open"
            elif auth is not None and auth.status == Authorization.Status.PENDING:
                state = "pending"
            figures = home_figures(code, company, request.user) if state == "open" else []
            tiles.append({"info": info, "state": state, "figures": figures})
    return render(request, "portal/home.html", {"tiles": tiles})


@public_view
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch FR/EN; a signed-in user's preference follows (pages, e-mails, PDFs)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.preferred_language = language
            request.user.save(update_fields=["preferred_language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" of the idle warning (WCAG 2.2.1): the session's idle expiry moves
    forward now (signed-in users only, like every view not marked public)."""
    request.session[REFRESHED_AT_KEY] = int(time.time())
    return HttpResponse(status=204)


@public_view
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker state: 200 when all answer, 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no echo"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc.__class__.__name__}"
    else:
        checks["broker"] = "ok (eager)"
    healthy = all(v.startswith("ok") for v in checks.values())
    if not healthy:
        log.error("health check failed", extra={"checks": checks})
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Foreign objects are 404s too: logged, so probing another company's ids shows up."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        security_event(request, "not_found")
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
