"""allauth integration: its e-mails go through the outbox, in the user's language.

Links in the ID e-mails (verification, password reset) are built from
PORTAL_BASE_URL, never from the request's Host header.
"""

import time
from typing import Any
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils import translation

from portal.models import Event, User
from portal.notify import absolute_url, notify


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a second factor right after typing the password asks for it only once.

        allauth counts only an explicit re-authentication as recent; a staff member sent
        from the sign-in to the compulsory TOTP enrolment was asked for the password twice
        within seconds. A password sign-in within the re-authentication timeout counts."""
        request = self.request or allauth_context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            last = records[-1] if records else {}
            if (
                last.get("method") == "password"
                and time.time() - last.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

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
