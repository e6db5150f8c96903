"""The gate: the one place authorization happens.

Every customer-facing view is wrapped by `app_view(app, role=...)` (function
views) or inherits `AppAccessMixin` (class views). The gate:
1. requires sign-in (LoginRequiredMiddleware does it for every view not marked public);
2. requires an active company (request.company, resolved and re-checked per request);
3. answers 404 when the application is not offered in the company's country;
4. requires a granted authorization with at least the role asked for, otherwise
   sends the user to the request-access page of that application (or 403 for a
   viewer on an approver-only action).
Tenant data is then read through `Model.objects.for_company(request.company)`.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.models import ROLE_RANK, Authorization, Company, Membership, Role, User
from portal.observability import security_event

Decision = str  # "ok" | "no-company" | "unavailable" | "request-access" | "forbidden"


def authorization_for(user: User, company: Company, app: str) -> Authorization | None:
    return Authorization.objects.filter(user=user, company=company, app=app).first()


def has_app_role(user: User, company: Company | None, app: str, role: str = Role.VIEWER) -> bool:
    """True when the user may use `app` of `company` with at least `role`.

    Also for the holder of something that works without a session (a calendar feed, a
    share link, a scheduled report): an inactive user, or one no longer a member of the
    company, has no role there, whatever authorizations are left behind.
    """
    if company is None or not user.is_active:
        return False
    if not Membership.objects.filter(user=user, company=company).exists():
        return False
    return decide(user, company, app, role) == "ok"


def decide(user: User, company: Company | None, app: str, role: str = Role.VIEWER) -> Decision:
    if company is None:
        return "no-company"
    if not company.country.offers(app):
        return "unavailable"
    auth = Authorization.objects.filter(
        user=user, company=company, app=app, status=Authorization.Status.GRANTED
    ).first()
    if auth is None:
        return "request-access"
    if ROLE_RANK[auth.role] < ROLE_RANK[role]:
        return "forbidden"
    return "ok"


def gate(request: HttpRequest, app: str, role: str = Role.VIEWER) -> HttpResponse | None:
    """None when the request may go on, otherwise the response that stops it."""
    decision = decide(request.user, request.company, app, role)
    if decision == "ok":
        request.app = app
        return None
    security_event(request, "access_refused", app=app, role=role, decision=decision)
    if decision == "unavailable":
        raise Http404
    if decision == "forbidden":
        raise PermissionDenied
    query = urlencode({"app": app, "next": request.get_full_path()})
    return redirect(f"{reverse('portal:request_access')}?{query}")


def app_view(app: str, role: str = Role.VIEWER) -> Callable:
    """Decorator for function views of an application."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            stop = gate(request, app, role)
            if stop is not None:
                return stop
            return view(request, *args, **kwargs)

        wrapped.gate_app = app  # type: ignore[attr-defined]
        wrapped.gate_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorator


class AppAccessMixin:
    """Class-based views: set `app` (and `role`); get_queryset() starts from for_company().

    The same gate as `app_view`, and the view function carries the same markers.
    """

    app: str = ""
    role: str = Role.VIEWER

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponse]:
        view = super().as_view(**initkwargs)  # type: ignore[misc]
        view.gate_app = cls.app
        view.gate_role = cls.role
        return view

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stop = gate(request, self.app, self.role)
        if stop is not None:
            return stop
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a guest page: no sign-in required. The only explicit exception to the gate."""
    view = login_not_required(view)
    view.gate_public = True  # type: ignore[attr-defined]
    return view


def company_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in pages of the portal itself that need an active company (not an app)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.company is None:
            return redirect("portal:request_access")
        return view(request, *args, **kwargs)

    return wrapped


def company_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.membership is None or not request.membership.is_company_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
