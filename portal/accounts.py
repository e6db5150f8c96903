"""allauth integration: its e-mails go through the outbox, in the user's language.

Links in the ID e-mails (verification, password reset, sign-up, sign-in) are built from
PORTAL_BASE_URL, never from the request's Host header, and only when the e-mail
is sent: the outbox keeps the user's or address's id, never the key (both keys are
derived from the server's SECRET_KEY, so one made at send time works).
The client address comes from portal.client_address (the trusted proxy), and failed
sign-ins are limited per client and per (client, account), never per account alone:
nobody can lock another person out by failing with their e-mail address.
Their text is the portal's own (templates/account/email, templates/mfa/email), branded
with PORTAL_BRAND and PORTAL_ID_NAME.
"""

import time
from typing import Any
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import F
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal import ratelimits
from portal.client_address import client_ip
from portal.identity import changed_now_and_on_commit, identity_changed
from portal.models import Event, User
from portal.notify import SecretUnavailable, absolute_url, made_at_send, notify
from portal.observability import security_event

PASSWORD_RESET = "account.password_reset"  # noqa: S105 - a kind of e-mail, not a password
EMAIL_CONFIRMATION = "account.email_confirmation"
# Context values of allauth's e-mails that open an account: never rendered into the outbox.
SECRET_NAMES = ("activate_url", "key", "code")


def password_reset_secrets(*, user_id: int) -> dict[str, str]:
    """A reset key for the user, made now (Django's token: valid until the password changes)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise SecretUnavailable("the account no longer exists or is inactive")
    temp_key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    url = reset_password_from_key_url(f"{user_pk_to_url_str(user)}-{temp_key}")
    return {"password_reset_url": url, "key": temp_key}


def email_confirmation_secrets(*, email_address_id: int) -> dict[str, str]:
    """The verification key of an address, signed now (allauth's HMAC confirmation)."""
    address = EmailAddress.objects.filter(pk=email_address_id, verified=False).first()
    if address is None:
        raise SecretUnavailable("the address is already verified or was removed")
    key = EmailConfirmationHMAC(address).key
    return {"activate_url": absolute_url("account_confirm_email", key), "key": key}


def reset_password_from_key_url(key: str) -> str:
    template = absolute_url("account_reset_password_from_key", uidb36="UID", key="KEY")
    return template.replace("UID-KEY", quote(key))


# Failed password sign-ins. Per client: a password-guessing client is slowed whatever the
# accounts it tries. Per (client, account): five wrong passwords for one account from one
# client. No limit per account alone: the account's owner, on a client that has not
# failed, always gets in with the right password. A cache outage lets sign-ins through.
SIGN_IN_FAILURES_PER_CLIENT = ratelimits.Limit("sign-in:client", 10, 60, ratelimits.ALLOW)
SIGN_IN_FAILURES_PER_CLIENT_ACCOUNT = ratelimits.Limit(
    "sign-in:client-account", 5, 300, ratelimits.ALLOW
)


def _sign_in_checks(request: HttpRequest, login: str) -> list:
    client = client_ip(request) or "unknown"
    return [
        (SIGN_IN_FAILURES_PER_CLIENT, (client,)),
        (SIGN_IN_FAILURES_PER_CLIENT_ACCOUNT, (client, login.strip().lower())),
    ]


class AccountAdapter(DefaultAccountAdapter):
    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        recipe = made_at_send(
            PASSWORD_RESET, names=["password_reset_url", "key"], placeholders=True, user_id=user.pk
        )
        self._queue("account/email/password_reset_key", email, context, recipe)

    def send_confirmation_mail(self, request: Any, emailconfirmation: Any, signup: bool) -> None:
        if not account_settings.EMAIL_CONFIRMATION_HMAC:
            raise ImproperlyConfigured("ACCOUNT_EMAIL_CONFIRMATION_HMAC must stay on.")
        address = emailconfirmation.email_address
        recipe = made_at_send(
            EMAIL_CONFIRMATION,
            names=["activate_url", "key"],
            placeholders=True,
            email_address_id=address.pk,
        )
        template = f"account/email/email_confirmation{'_signup' if signup else ''}"
        self._queue(template, address.email, {"user": address.user}, recipe)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a second factor right after typing the password asks for it only once.

        allauth counts only an explicit re-authentication as recent; a staff member sent
        from the sign-in to the compulsory TOTP enrolment was asked for the password twice
        within seconds, and again for the recovery codes shown right after the enrolment
        (whose own record comes last). A password sign-in of this session within the
        re-authentication timeout counts."""
        request = self.request or allauth_context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            typed = [r for r in records if r.get("method") == "password"]
            if (
                typed
                and time.time() - typed[-1].get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Any other allauth e-mail: refused if it would carry a key (fail closed)."""
        reset_key_path = absolute_url(
            "account_reset_password_from_key", uidb36="UID", key="KEY"
        ).split("UID-KEY")[0]
        if any(context.get(name) for name in SECRET_NAMES) or reset_key_path in str(
            context.get("password_reset_url", "")
        ):
            raise ImproperlyConfigured(
                f"{template_prefix} carries a key: make it at send time (portal.accounts)."
            )
        self._queue(template_prefix, email, context, None)

    def _queue(
        self,
        template_prefix: str,
        email: str,
        context: dict[str, Any],
        recipe: dict[str, Any] | None,
    ) -> None:
        """Render now in the recipient's language, with markers where the keys go."""
        if recipe is not None:
            context = {**context, **recipe["placeholders"]}
        user = context.get("user")
        if not isinstance(user, User) or not user.pk:
            user = User.objects.filter(email__iexact=email).first()
        language = user.preferred_language if user is not None else None
        language = language or translation.get_language() or "en"
        context = {**context, **self.branding(user, email)}
        if "password_reset_url" not in context or template_prefix.endswith("already_exists"):
            context["password_reset_url"] = absolute_url("account_reset_password")
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        bodies = {"text": message.body, "html": ""}
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                bodies["html"] = content
        notify(
            event=Event.ACCESS,
            template="allauth",
            recipient=email,
            language=language,
            context={"subject": message.subject, **bodies},
            made_at_send=recipe,
        )

    @staticmethod
    def branding(user: User | None, email: str) -> dict[str, Any]:
        """What every ID e-mail names: the brand, the ID, the person and the portal's links."""
        return {
            "brand": gettext_lazy(settings.PORTAL_BRAND),
            "id_name": settings.PORTAL_ID_NAME,
            "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
            "current_site": {"name": settings.PORTAL_BRAND, "domain": settings.PORTAL_BASE_URL},
            "name": (user.get_full_name() if user is not None else "") or "",
            "email": email,
            "user": user,
            "signup_url": absolute_url("account_signup"),
            "login_url": absolute_url("account_login"),
        }

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        """A new ID speaks the language the visitor signed up in (pages, e-mails, PDFs)."""
        language = (translation.get_language() or "en")[:2]
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def get_email_confirmation_url(self, request: Any, emailconfirmation: Any) -> str:
        return absolute_url("account_confirm_email", emailconfirmation.key)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return reset_password_from_key_url(key)

    def is_safe_url(self, url: str | None) -> bool:
        from django.utils.http import url_has_allowed_host_and_scheme

        return bool(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's own limits (MFA codes, sign-up, resets) key on the same address."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt as a failure before checking it; a right password gives it back."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        verdict = ratelimits.hit(*_sign_in_checks(request, login))
        if not verdict.allowed:
            raise self.validation_error("too_many_login_attempts")
        self._sign_in_verdict: ratelimits.Verdict | None = verdict

    def _rollback_login_failed_rl_usage(self) -> None:
        verdict = getattr(self, "_sign_in_verdict", None)
        if verdict is not None:
            ratelimits.refund(verdict)
            self._sign_in_verdict = None

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset its owner may sign in at once from where they reset it."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        ratelimits.reset(*_sign_in_checks(request, login)[1:])


def user_end_other_sessions(*, user: User, request: HttpRequest) -> None:
    """Every session of the user ends but this request's (its key is renewed)."""
    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    changed_now_and_on_commit(lambda: identity_changed(user.pk))  # an update sends no signal
    user.refresh_from_db(fields=["sessions_epoch"])
    update_session_auth_hash(request, user)


def second_factor_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    """allauth's authenticator_added: a second factor enrolled ends the user's other
    sessions (one opened with the password alone must not inherit it), and this session,
    where the user has just typed a valid code, counts as having used it."""
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return  # generated along with the TOTP, proves nothing by itself
    user_end_other_sessions(user=user, request=request)
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
    security_event(request, "mfa_enrolled", method=authenticator.type)
