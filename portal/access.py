"""The gate: the one place authorization happens.

Every customer-facing view is wrapped by `app_view(app, role=...)`. The gate:
1. requires sign-in (LoginRequiredMiddleware does it for every view not marked
   `public_view`, or `background_poll`, which answers 204 when signed out);
2. requires an active company (request.company, resolved and re-checked per request);
3. answers 404 when the application is not offered in the company's country;
4. requires a granted authorization with at least the role asked for, otherwise
   sends the user to the request-access page of that application (or 403 for a
   viewer on an approver-only action).
Tenant data is then read through `Model.objects.for_company(request.company)`.

An object link (a URL with arguments, e.g. from an e-mail) that answers 404 in the
active company is tried, for GET, in the user's other companies where the gate would
let the user in; the first one that finds the object becomes the active company
(with a notice). Non-members and users without the application there still get the
same 404, so no object's existence leaks.

A link may also name its company (`?company=<id>`, see `link_to`) where the path alone
does not tell it (a standard order report, an application's entry page: the same URL in
every company): the gate switches to it on the same terms, and answers 404 for a company
that is not the user's or where the user does not have the application.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.applications import CATALOGUE
from portal.http import PortalRequest
from portal.identity import identity_of
from portal.models import ROLE_RANK, Authorization, Company, Membership, Role, User
from portal.observability import security_event

View = Callable[..., HttpResponseBase]  # a view function
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
    identity = identity_of(user)
    if identity is not None:  # the request's user: read once per request (portal.identity)
        auth = identity.authorization(company.pk, app)
    else:
        auth = Authorization.objects.filter(user=user, company=company, app=app).first()
    if auth is None or auth.status != Authorization.Status.GRANTED:
        if open_to_member(user, company, app, auth) and role == Role.VIEWER:
            return "ok"
        return "request-access"
    if ROLE_RANK[auth.role] < ROLE_RANK[role]:
        return "forbidden"
    return "ok"


def open_to_member(user: User, company: Company, app: str, auth: Authorization | None) -> bool:
    """An application every member uses without asking (see AppInfo.open_to_members)."""
    info = CATALOGUE.get(app)
    if info is None or not info.open_to_members:
        return False
    if auth is not None and auth.status not in (Authorization.Status.PENDING,):
        return False  # refused or revoked by an administrator
    identity = identity_of(user)
    if identity is not None:
        return identity.membership_in(company.pk) is not None
    return Membership.objects.filter(user=user, company=company).exists()


def gate(request: PortalRequest, app: str, role: str = Role.VIEWER) -> HttpResponseBase | None:
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


def _in_company(
    request: PortalRequest, membership: Membership, call: Callable[[], HttpResponseBase]
) -> HttpResponseBase | None:
    """Run the view as if `membership`'s company were active; None when it answers 404."""
    saved = (request.company, request.membership)
    request.company, request.membership = membership.company, membership
    try:
        response = call()
    except Http404:
        response = None
    finally:
        request.company, request.membership = saved
    if response is not None and response.status_code == 404:
        return None
    return response


def switch_company_for_link(request: PortalRequest, company: Company, **details: Any) -> None:
    """Make `company` (one the user is a member of: the caller checked) the active one for
    the link being followed, and say so on the next page."""
    from portal.middleware import ACTIVE_COMPANY_KEY

    request.session[ACTIVE_COMPANY_KEY] = company.pk
    messages.info(
        request,
        _("This link belongs to %(company)s: it is now your active company.")
        % {"company": company.name},
    )
    security_event(request, "company_switched_by_link", **details)


LINK_COMPANY_PARAM = "company"


def link_to(path: str, company: Company) -> str:
    """The path of a page for a link sent out of the portal (e-mail, notification), naming
    the company it belongs to: followed while another company is active, it switches."""
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}{urlencode({LINK_COMPANY_PARAM: company.pk})}"


def _company_named_by_link(request: PortalRequest, app: str, role: str) -> HttpResponseBase | None:
    """A GET naming its company: make it the active one (with a notice) when the gate lets
    the user in there, then the same page without the parameter; otherwise 404."""
    wanted = request.GET.get(LINK_COMPANY_PARAM)
    if wanted is None or request.method not in ("GET", "HEAD"):
        return None
    company_id = parse_id(wanted)
    memberships = getattr(request, "memberships", [])
    membership = next((m for m in memberships if m.company_id == company_id), None)
    if membership is None:
        raise Http404
    current = request.company.pk if request.company is not None else None
    if membership.company_id != current:
        if decide(request.user, membership.company, app, role) != "ok":
            raise Http404
        switch_company_for_link(request, membership.company, app=app)
    rest = request.GET.copy()
    rest.pop(LINK_COMPANY_PARAM)
    query = rest.urlencode()
    return redirect(request.path + (f"?{query}" if query else ""))


def gated_call(
    request: PortalRequest,
    app: str,
    role: str,
    has_object: bool,
    call: Callable[[], HttpResponseBase],
) -> HttpResponseBase:
    """The gate around one view call, with the company switch of object links.

    The user's other companies are only looked at once the object was not found in the
    active one (or the application is not open there): a normal page costs nothing more.
    """

    named = _company_named_by_link(request, app, role)
    if named is not None:
        return named
    memberships = getattr(request, "memberships", [])
    if not has_object or request.method not in ("GET", "HEAD") or len(memberships) < 2:
        stop = gate(request, app, role)
        return stop if stop is not None else call()
    decision = decide(request.user, request.company, app, role)
    not_found: Http404 | HttpResponseBase | None = None
    if decision == "ok":
        request.app = app
        try:
            response = call()
        except Http404 as error:
            not_found = error
        else:
            if response.status_code != 404:
                return response
            not_found = response
    current = request.company.pk if request.company is not None else None
    for membership in memberships:
        if membership.company_id == current:
            continue
        if decide(request.user, membership.company, app, role) != "ok":
            continue
        if _in_company(request, membership, call) is not None:
            switch_company_for_link(request, membership.company, app=app)
            return redirect(request.get_full_path())
    if isinstance(not_found, Http404):
        raise not_found
    if not_found is not None:
        return not_found
    stop = gate(request, app, role)
    return stop if stop is not None else call()


def app_view(app: str, role: str = Role.VIEWER) -> Callable[[View], View]:
    """Decorator for function views of an application."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return gated_call(
                request, app, role, bool(args or kwargs), lambda: view(request, *args, **kwargs)
            )

        wrapped.gate_app = app  # type: ignore[attr-defined]
        wrapped.gate_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorator


MAX_ID = 2**63 - 1  # the largest primary key the databases store (bigint)


def parse_id(value: object) -> int | None:
    """An id from a query string or form: a positive integer the database can hold, else None
    (so 99999999999999999999 is "not found", never an overflow in the query)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def public_view(view: View) -> View:
    """Mark a guest page: no sign-in required. With `background_poll`, the only explicit
    exceptions to the gate's sign-in (tests/security/test_sign_in_exceptions.py)."""
    view = login_not_required(view)
    view.gate_public = True  # type: ignore[attr-defined]
    return view


def background_poll(view: View) -> View:
    """Mark a request a page makes by itself (the bell's count): signed out, it answers 204
    with nothing, rather than the sign-in redirect whose page htmx would swap into the
    header; signed in, the view runs for the user's own data only."""

    @login_not_required
    @wraps(view)
    def wrapped(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return HttpResponse(status=204)
        return view(request, *args, **kwargs)

    wrapped.gate_poll = True  # type: ignore[attr-defined]
    return wrapped


def company_required(view: View) -> View:
    """Signed-in pages of the portal itself that need an active company (not an app)."""

    @wraps(view)
    def wrapped(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.company is None:
            return redirect("portal:request_access")
        return view(request, *args, **kwargs)

    return wrapped


def company_admin_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.membership is None or not request.membership.is_company_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
