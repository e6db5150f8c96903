"""Every view that answers without sign-in says so through the gate (portal/access.py):
`public_view` (guest pages) or `background_poll` (the bell's count, 204 once signed out).
A view exempted with Django's bare `login_not_required` bypasses the gate's declared
exceptions and fails here; allauth's own ID pages and the admin's sign-in are the only
others (tests/security/matrix.py, EXEMPT_PREFIXES).
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix import EXEMPT_PREFIXES

pytestmark = pytest.mark.django_db


def _views(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_views_open_without_sign_in_are_declared_through_the_gate():
    undeclared = [
        name
        for name, view in _views()
        if getattr(view, "login_required", True) is False
        and not getattr(view, "gate_public", False)
        and not getattr(view, "gate_poll", False)
        and not any(name.startswith(prefix) for prefix in EXEMPT_PREFIXES)
    ]
    assert undeclared == []


def test_the_bell_is_a_background_poll_that_answers_nothing_once_signed_out():
    response = Client().get(reverse("portal:bell"))
    assert response.status_code == 204 and not response.content
