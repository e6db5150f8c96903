"""allauth integration: its e-mails go through the outbox, in the user's language.

Links in the ID e-mails (verification, password reset, sign-up, sign-in) are built
from PORTAL_BASE_URL, never from the request's Host header. Their text is the
portal's own (templates/account/email, templates/mfa/email), branded with
PORTAL_BRAND and PORTAL_ID_NAME.
"""

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.models import Event, User
from portal.notify import absolute_url, notify


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
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
        template = absolute_url("account_reset_password_from_key", uidb36="UID", key="KEY")
        return template.replace("UID-KEY", quote(key))

    def is_safe_url(self, url: str | None) -> bool:
        from django.utils.http import url_has_allowed_host_and_scheme

        return bool(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
