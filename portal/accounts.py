"""allauth integration: its e-mails go through the outbox, in the user's language.

Links in the ID e-mails (verification, password reset) are built from
PORTAL_BASE_URL, never from the request's Host header. The client address comes
from portal.client_address (the trusted proxy), and failed sign-ins are limited
per client and per (client, account), never per account alone: nobody can lock
another person out by failing with their e-mail address.
"""

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation

from portal import ratelimits
from portal.client_address import client_ip
from portal.models import Event, User
from portal.notify import absolute_url, notify

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
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        language = (
            user.preferred_language
            if isinstance(user, User) and user.pk
            else translation.get_language() or "en"
        )
        context = {**context, "current_site": self.request and self.request.get_host()}
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
        )

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        """A new ID speaks the language the visitor signed up in (pages, e-mails, PDFs)."""
        language = (translation.get_language() or "en")[:2]
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def get_email_confirmation_url(self, request: Any, emailconfirmation: Any) -> str:
        return absolute_url("account_confirm_email", emailconfirmation.key)

    def get_reset_password_from_key_url(self, key: str) -> str:
        template = absolute_url("account_reset_password_from_key", uidb36="UID", key="KEY")
        return template.replace("UID-KEY", quote(key))

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
        self._sign_in_verdict = verdict

    def _rollback_login_failed_rl_usage(self) -> None:
        verdict = getattr(self, "_sign_in_verdict", None)
        if verdict is not None:
            ratelimits.refund(verdict)
            self._sign_in_verdict = None

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset its owner may sign in at once from where they reset it."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        ratelimits.reset(*_sign_in_checks(request, login)[1:])
