"""The authorization matrix: every URL pattern of the project, every kind of user.

Each application declares its routes in `tests/security/routes_<app>.py` as
`ROUTES = [Route(...), ...]`. `test_matrix.py` collects them, fails when a URL
pattern of the project is in no routes file (and not exempt), and checks every
route for: anonymous, member without the application, viewer, approver, a user
of another company (with real object ids of this company: 404) and a company
whose country does not offer the application (404).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.models import Company, User


@dataclass(frozen=True)
class Route:
    name: str
    """URL name with namespace, e.g. "invoices:detail"."""
    app: str | None = None
    """The gated application; None for portal pages that need only sign-in (and a company)."""
    role: str = "viewer"
    """The lowest role that may use the route."""
    public: bool = False
    """A guest page: no sign-in needed."""
    signed_out: int | None = None
    """What a signed-out request gets when not the sign-in redirect (a background poll: 204)."""
    kwargs: Callable[[Company, User], dict[str, Any]] | None = None
    """Builds objects of `company` (acting user given) and returns the URL kwargs."""
    method: str = "GET"
    data: Callable[[Company, User], dict[str, Any]] | None = None
    """POST data (built for `company`)."""
    ok: tuple[int, ...] = (200,)
    """Status codes of success for an allowed user."""
    setup: Callable[[Company], None] | None = None
    """Prepares the company before any request (e.g. switches a country feature on)."""
    company_admin: bool = False
    """Only company administrators may use it (others: 403)."""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_objects(self) -> bool:
        return self.kwargs is not None


# URL names that are not the portal's own customer pages, with the reason.
EXEMPT_PREFIXES = {
    "admin:": "Django admin: staff only, behind allauth + MFA; covered by tests/security/test_admin.py",
    "account_": "allauth's own ID pages (sign-in, sign-up, reset): public by design",
    "mfa_": "allauth MFA pages: require sign-in, allauth's own checks",
}
EXEMPT_NAMES = {
    "portal:healthz": "health probe for the load balancer: public, no tenant data",
    "portal:set_language": "language switch: public POST, no tenant data",
}
