"""The transactional outbox: every e-mail the portal sends goes through here.

`notify()` writes a Notification row in the caller's transaction and enqueues
the send task on commit. `deliver()` sends one row at most once (row lock held
while sending), records attempts and errors, and schedules the next attempt
with exponential backoff; the periodic sweep re-enqueues whatever is due, so a
broker or SMTP outage delays mail but never loses it.

No secret is kept in the outbox: a link that carries a token (password reset,
e-mail verification, invoice share link, a request's tokened Reply-To address) is
stored as a recipe, a reference useless on its own (`made_at_send()`), and made by
the maker registered for its kind when the row is sent (a header may carry its
placeholder). The admin shows the body with such links hidden.

The same call feeds the notification centre: given `link` (the object's page inside the
portal), a user who hears about the event in the portal gets a NotificationEntry with
the e-mail's subject and first paragraph, rendered now with made-at-send values hidden.
A user who chose "in the portal only" gets the entry and an outbox row that is never
e-mailed (it keeps the dedupe key, so scans stay exactly-once); an e-mail without an
in-portal twin is always sent to a user who did not switch it off.
"""

import html as html_lib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import link_to
from portal.models import Company, Notification, NotificationEntry, User

log = logging.getLogger(__name__)

MADE_AT_SEND = "made_at_send"

SecretMaker = Callable[..., dict[str, str]]
_secret_makers: dict[str, SecretMaker] = {}


class SecretUnavailable(Exception):
    """The reference no longer leads to a secret (account gone, address verified): the
    e-mail cannot be sent, now or later."""


def register_secret_maker(kind: str, maker: SecretMaker) -> None:
    """Apps register, in their AppConfig.ready(), how to make the secret values of a kind:
    `maker(**ref)` returns {context name: value}."""
    _secret_makers[kind] = maker


def made_at_send(
    kind: str, *, names: list[str], placeholders: bool = False, **ref: int | str
) -> dict[str, Any]:
    """The recipe of values made when the e-mail is sent, to pass to notify(made_at_send=...).

    `ref` holds ids only (useless without the server's secrets). With placeholders, each
    name gets an unguessable marker to put in a body rendered now; sending replaces it.
    """
    recipe: dict[str, Any] = {"kind": kind, "names": list(names), "ref": ref}
    if placeholders:
        nonce = secrets.token_hex(8)
        recipe["placeholders"] = {name: f"made-at-send-{nonce}-{name}" for name in names}
    return recipe


def absolute_url(name: str, *args: Any, **kwargs: Any) -> str:
    """An absolute link for e-mails; it carries no data, only the page behind the gate."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args, kwargs=kwargs)


def company_url(company: Company, name: str, **kwargs: Any) -> str:
    """An absolute link to a page whose address is the same in every company (a standard
    order report, an application's entry page), naming `company`: a user of several
    companies who follows it lands in that one (portal.access.link_to)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + link_to(reverse(name, kwargs=kwargs), company)


def notify(
    *,
    event: str,
    template: str,
    recipient: User | str,
    context: dict[str, Any],
    company: Company | None = None,
    language: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    made_at_send: dict[str, Any] | None = None,
    link: str | None = None,
) -> Notification | None:
    """Queue one e-mail and its in-portal entry. Returns None when the user opted out.

    With a dedupe_key the row is written once ever: a second call returns the
    first row, which is what makes scans (expiry, monthly statement) exactly-once.
    Values carrying a token never go in `context`: pass their recipe as `made_at_send`.
    `link` is the path of the object's page (from reverse()), for the notification centre.
    """
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("link must be a path of the portal")
    user = recipient if isinstance(recipient, User) else None
    if user is not None and not user.wants(event):
        return None
    in_portal = (
        user is not None and link is not None and user.is_active and user.wants_in_portal(event)
    )
    by_email = user is None or user.wants_email(event) or not in_portal
    address = user.email if user is not None else str(recipient)
    lang = language or (user.preferred_language if user is not None else settings.LANGUAGE_CODE)
    row = Notification(
        event=event,
        template=template,
        recipient=address,
        user=user,
        company=company,
        language=lang,
        context={**context, MADE_AT_SEND: made_at_send} if made_at_send else context,
        attachments=attachments or [],
        headers=headers or {},
        dedupe_key=dedupe_key,
        status=Notification.Status.PENDING if by_email else Notification.Status.IN_PORTAL_ONLY,
    )
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return Notification.objects.get(dedupe_key=dedupe_key)
    else:
        row.save()
    if in_portal:
        assert user is not None and link is not None
        entry_create(row, user=user, link=link)
    if by_email:
        transaction.on_commit(lambda: enqueue(row.pk))
    return row


def mirror_text(row: Notification) -> tuple[str, str]:
    """The e-mail's subject and first paragraph, as the recipient would read them, with
    made-at-send values hidden: what the in-portal entry shows."""
    from portal.time_zones import zone_for

    made = _made_at_send(row, reveal=False)
    hidden = [value for _marker, value in made.values()] + ["made-at-send-"]
    context = _render_context(row, reveal=False, made=made)
    with translation.override(row.language), timezone.override(zone_for(row.user, row.company)):
        subject_text = render_to_string(f"email/{row.template}.subject.txt", context)
        text = render_to_string(f"email/{row.template}.txt", context)
    subject = " ".join(html_lib.unescape(subject_text).split())[:255]
    summary = ""
    for paragraph in text.split("\n\n"):
        lines = [
            line
            for line in paragraph.splitlines()
            if line.strip() and "://" not in line and not any(h in line for h in hidden)
        ]
        if lines:
            summary = " ".join(" ".join(lines).split())
            break
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"
    return subject, summary


SUMMARY_MAX = 300


def entry_create(row: Notification, *, user: User, link: str) -> NotificationEntry:
    """The notification centre's twin of an outbox row (same transaction, same text)."""
    title, summary = mirror_text(row)
    if row.status == Notification.Status.IN_PORTAL_ONLY:
        row.subject = title
        row.save(update_fields=["subject"])
    return NotificationEntry.objects.create(
        user=user,
        company=row.company,
        outbox=row,
        event=row.event,
        title=title,
        summary=summary,
        link=link,
        created_at=row.created_at,
    )


def enqueue(pk: int) -> None:
    """Hand a row to the worker; if the broker is unreachable the sweep will do it later."""
    from portal.queue import hand_over
    from portal.tasks import send_notification

    hand_over(send_notification, pk)


def _secret_values(row: Notification, recipe: dict[str, Any], reveal: bool) -> dict[str, str]:
    if reveal:
        maker = _secret_makers.get(recipe.get("kind", ""))
        if maker is None:
            raise SecretUnavailable(f"no maker registered for {recipe.get('kind')!r}")
        return maker(**recipe.get("ref", {}))
    with translation.override(row.language):
        hidden = _("[link made when the e-mail is sent, not kept]")
    return {name: hidden for name in recipe.get("names", [])}


def _made_at_send(row: Notification, reveal: bool) -> dict[str, tuple[str, str]]:
    """{name: (placeholder or "", value)} of the row's made-at-send values: real ones to
    send, hidden ones to show."""
    recipe = row.context.get(MADE_AT_SEND)
    if not recipe:
        return {}
    placeholders = recipe.get("placeholders") or {}
    return {
        name: (placeholders.get(name, ""), value)
        for name, value in _secret_values(row, recipe, reveal).items()
    }


def _with_secrets(
    row: Notification, reveal: bool, made: dict[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The row's context with its made-at-send values: real ones to send, hidden ones to show."""
    context = {k: v for k, v in row.context.items() if k != MADE_AT_SEND}
    made = _made_at_send(row, reveal) if made is None else made
    for name, (marker, value) in made.items():
        if not marker:
            context[name] = value
            continue
        for key, text in list(context.items()):
            if isinstance(text, str) and marker in text:
                context[key] = text.replace(marker, escape(value) if key == "html" else value)
    return context


def _headers(row: Notification, made: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The row's headers, a made-at-send marker (a request's tokened Reply-To) replaced."""
    headers = {}
    for key, value in row.headers.items():
        value = str(value)
        for marker, secret in made.values():
            if marker and marker in value:
                value = value.replace(marker, secret)
        value = " ".join(value.split())  # no CR/LF in a header
        if value:  # a made-at-send address may be off by now (answers by e-mail stopped)
            headers[key] = value
    return headers


def _render_context(
    row: Notification, *, reveal: bool, made: dict[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    return {
        **_with_secrets(row, reveal, made),
        "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
        "brand": gettext_lazy(settings.PORTAL_BRAND),  # the default brand has a French name
        "id_name": settings.PORTAL_ID_NAME,
        "recipient": row.recipient,
    }


def preview(row: Notification) -> str:
    """The text body as the recipient reads it, links with tokens hidden (for the admin)."""
    context = _render_context(row, reveal=False)
    with translation.override(row.language):
        return render_to_string(f"email/{row.template}.txt", context)


def render(row: Notification) -> EmailMultiAlternatives:
    """The e-mail of a row, its made-at-send links made now, in the recipient's zone."""
    from portal.time_zones import zone_for

    made = _made_at_send(row, reveal=True)  # made once: a maker may replace a token
    context = _render_context(row, reveal=True, made=made)
    with translation.override(row.language), timezone.override(zone_for(row.user, row.company)):
        subject: str = render_to_string(f"email/{row.template}.subject.txt", context)
        text = render_to_string(f"email/{row.template}.txt", context)
        html = render_to_string(f"email/{row.template}.html", context)
    # A subject is plain text: undo the templates' HTML escaping (l&#x27;adresse, R&amp;D).
    subject = " ".join(html_lib.unescape(subject).split())[:250]  # no CR/LF in the header
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=_headers(row, made),
    )
    message.attach_alternative(html, "text/html")
    for item in row.attachments:
        with default_storage.open(item["storage_name"], "rb") as fh:
            message.attach(item["filename"], fh.read(), item.get("content_type"))
    return message


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at NOTIFY_BACKOFF_CAP (10 minutes)."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), settings.NOTIFY_BACKOFF_CAP)


def deliver(pk: int) -> str:
    """Send one row at most once. Returns what happened (for logs and tests)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status__in=[Notification.Status.PENDING, Notification.Status.SENDING])
            .first()
        )
        if row is None:
            return "skipped"
        if row.next_attempt_at > now:
            return "not-due"
        row.attempts += 1
        try:
            message = render(row)
            with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
                message.connection = connection
                message.send()
        except Exception as exc:
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if (
                isinstance(exc, SecretUnavailable)
                or now - row.created_at >= settings.NOTIFY_RETRY_FOR
            ):
                row.status = Notification.Status.FAILED
            else:
                row.status = Notification.Status.PENDING
                row.next_attempt_at = now + backoff(row.attempts)
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            log.warning("outbox send failed", extra={"notification": pk, "error": row.last_error})
            return "failed"
        row.status = Notification.Status.SENT
        row.sent_at = timezone.now()
        row.subject = str(message.subject)
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "subject", "last_error"])
        return "sent"


def sweep(limit: int = 500) -> int:
    """Re-enqueue rows that are due (never handed over, or waiting for a retry)."""
    pks = list(
        Notification.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        enqueue(pk)
    return len(pks)
