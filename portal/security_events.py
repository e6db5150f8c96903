"""Security events as structured log lines: sign-ins, failures, throttling, refusals.

Connected in PortalConfig.ready(). Fields: event, user id, company id, client
address and request id (added by the log filter). Never passwords, tokens or
session keys: only ids and the e-mail domain of a failed attempt.
"""

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.observability import security_event


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event(request, "sign_in", user_id=user.pk)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event(request, "sign_out", user_id=getattr(user, "pk", None))


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    login = str(credentials.get("email") or credentials.get("username") or "")
    domain = login.rsplit("@", 1)[-1] if "@" in login else ""
    security_event(request, "sign_in_failed", login_domain=domain)


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The absolute session lifetime counts from sign-in (see ActiveCompanyMiddleware)."""
    import time

    from portal.middleware import SIGNED_IN_AT_KEY

    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_KEY] = int(time.time())


@receiver(post_save, sender=LogEntry)
def _admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """Every change an agent makes in the admin (Django's LogEntry) is a security event."""
    if created:
        security_event(
            None,
            "admin_change",
            user_id=instance.user_id,
            action=instance.get_action_flag_display(),
            model=str(instance.content_type),
            object_id=instance.object_id,
        )
