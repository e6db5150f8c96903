"""Cross-application references ("order 123", "invoice F-9") resolved per company.

An app that owns numbered objects registers a resolver in its AppConfig.ready();
"Write to us" and disputes resolve a typed reference through here, scoped to the
active company, so another company's number reads exactly like an unknown one.
`portal` imports no app: the apps register themselves.
"""

from collections.abc import Callable
from typing import Any

from portal.models import Company

Resolver = Callable[[Company, str], Any | None]
_resolvers: dict[str, Resolver] = {}


def register_reference(kind: str, resolver: Resolver) -> None:
    """kind: "orders", "invoices", "contracts", "inventory"; resolver(company, text) -> object or None."""
    _resolvers[kind] = resolver


def resolve_reference(company: Company, kind: str, text: str) -> Any | None:
    """The company's object with that number, or None (unknown kind, unknown or foreign number)."""
    resolver = _resolvers.get(kind)
    text = (text or "").strip()
    if resolver is None or not text:
        return None
    return resolver(company, text)


def reference_kinds() -> list[str]:
    return sorted(_resolvers)
