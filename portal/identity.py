"""Who is asking: the signed-in user, their memberships (with companies and countries)
and their authorizations, read once per request from one cached entry.

Every signed-in page needs all of them (the session's user, the active company and the
company switcher, the gate's authorization). Read from the database they cost four
round trips per page; here they are one entry in the shared cache (Redis), kept
IDENTITY_CACHE_SECONDS under a key carrying two version tokens:

- the user's, replaced when a row of theirs changes: the user (password, sessions epoch,
  active flag, language, time zone), a membership or an authorization of theirs is
  saved or deleted (post_save / post_delete: at once and again once the transaction
  commits), and by code that updates such rows without signals (`identity_changed`);
- a global one, replaced when any company or country is saved or deleted (a company's
  name, a country's applications): rare, and shared by every user.

A revoked authorization or a removed membership therefore takes effect on the next
request. A token is a random value, never a counter: an entry made under an older token
can never match again, even if the token itself was evicted. The entry is read with
the tokens in one round trip and used only when it carries the same tokens. With the cache
unreachable everything is read from the database; a token replaced while it was
unreachable is covered by the entries' lifetime (IDENTITY_CACHE_SECONDS).

The cache must be shared by every process that serves pages (Redis): with a cache per
process (no REDIS_URL) a change made in one process would not reach the others, so
the entry is only kept when REDIS_URL is set (or a test turns it on).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth import _get_user_session_key as session_user_id  # type: ignore[attr-defined]
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

GLOBAL_KEY = "identity-token:global"


@dataclass
class Identity:
    user: Any  # without its password hash (read from the database if a page needs it)
    memberships: list[Any]  # ordered by pk (the first joined is the default company)
    authorizations: dict[tuple[int, str], Any] = field(default_factory=dict)
    session_auth_hash: str = ""  # what a valid session of the user carries

    def membership_in(self, company_id: int) -> Any | None:
        return next((m for m in self.memberships if m.company_id == company_id), None)

    def authorization(self, company_id: int, app: str) -> Any | None:
        return self.authorizations.get((company_id, app))


def _user_key(user_id: Any) -> str:
    return f"identity-token:user:{user_id}"


def load_identity(user_id: Any) -> Identity | None:
    """The identity as the database has it now (three queries)."""
    from django.contrib.auth import get_user_model

    from portal.models import Authorization, Membership

    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    memberships = list(
        Membership.objects.filter(user_id=user.pk)
        .select_related("company__country")
        .order_by("pk")  # the first company joined is the default, on every database
    )
    authorizations = {(a.company_id, a.app): a for a in Authorization.objects.filter(user=user)}
    session_auth_hash = user.get_session_auth_hash()
    # No password hash in the cache: the field becomes deferred, loaded on first use
    # (a password change form checking the old one).
    del user.__dict__["password"]
    return Identity(user, memberships, authorizations, session_auth_hash)


def _entry_key(user_id: Any) -> str:
    return f"identity:{user_id}"


def identity_for(user_id: Any) -> Identity | None:
    """The user's identity: from the cache when kept under the current tokens, else from
    the database (and kept). One round trip reads both tokens and the entry; the entry
    carries the tokens it was read under. The tokens are read before the database, so
    an entry computed while a change commits carries a token that change has replaced."""
    seconds = settings.IDENTITY_CACHE_SECONDS
    if not seconds:
        return load_identity(user_id)
    token_keys = [_user_key(user_id), GLOBAL_KEY]
    found = cache.get_many([*token_keys, _entry_key(user_id)])
    tokens = []
    for key in token_keys:
        token = found.get(key)
        if token is None:  # first use, or evicted: a new token (never an old one again)
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)
            if token is None:  # cache unreachable
                return load_identity(user_id)
        tokens.append(token)
    kept = found.get(_entry_key(user_id))
    if kept is not None and kept[0] == tokens:
        return kept[1]
    identity = load_identity(user_id)
    if identity is not None:
        cache.set(_entry_key(user_id), (tokens, identity), seconds)
    return identity


def identity_changed(user_id: Any) -> None:
    """The user's kept identity is read again from the database on their next request."""
    cache.set(_user_key(user_id), uuid.uuid4().hex, None)


def everyone_changed() -> None:
    """Every kept identity is read again (a company or a country changed)."""
    cache.set(GLOBAL_KEY, uuid.uuid4().hex, None)


def changed_now_and_on_commit(change: Any) -> None:
    """Replace a token at once (the transaction's own later reads see the change) and
    again once the transaction commits (an entry another request read from the database
    in between, still without the change, is not used again)."""
    change()
    transaction.on_commit(change)


def user_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of the user, a membership or an authorization."""
    from portal.models import User

    user_id = instance.pk if isinstance(instance, User) else getattr(instance, "user_id", None)
    if user_id is not None:
        changed_now_and_on_commit(lambda: identity_changed(user_id))


def shared_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of a company or a country."""
    changed_now_and_on_commit(everyone_changed)


def get_user(request: HttpRequest) -> Any:
    """django.contrib.auth.get_user, reading the user from the identity entry (and
    attaching the entry to the user as `portal_identity`). The session is verified the
    same way: a password change or ended sessions (the user's hash) sign it out."""
    user = None
    try:
        user_id = session_user_id(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    if isinstance(backend, ModelBackend):
        identity = identity_for(user_id)
        if identity is not None and backend.user_can_authenticate(identity.user):
            user = identity.user
            user.portal_identity = identity
    else:
        user = backend.get_user(user_id)
    if user is None or not hasattr(user, "get_session_auth_hash"):
        return user or AnonymousUser()
    session_hash = request.session.get(HASH_SESSION_KEY)
    identity = identity_of(user)
    session_auth_hash = identity.session_auth_hash if identity else user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return AnonymousUser()


class IdentityAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware with the user read through the identity entry."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]


def identity_of(user: Any) -> Identity | None:
    """The identity entry a request's user was read with (None: a user read otherwise)."""
    return getattr(user, "portal_identity", None)
