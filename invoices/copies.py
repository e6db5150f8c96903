"""Copies of an invoice e-mailed to colleagues: the PDF attached, or a share link that
works without an account (expires, revocable, dies with its sender's access)."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from invoices import rendering
from invoices.history import history_write, invoice_path, mail_context
from invoices.models import Invoice, InvoiceEvent, ShareLink
from invoices.selectors import member_or_address
from portal import ratelimits
from portal.access import has_app_role
from portal.applications import App
from portal.form_fields import email_list
from portal.models import Event, User
from portal.notify import SecretUnavailable, absolute_url, made_at_send, notify

MAX_COPY_RECIPIENTS = 10
COPIES_PER_HOUR = 20


class CopyMode:
    ATTACHMENT = "attachment"
    LINK = "link"


# Copies e-mailed per user and hour (one per recipient), on the shared rate limiter;
# sending stays possible while Redis is down.
COPY_QUOTA = ratelimits.Limit("invoices:copies", COPIES_PER_HOUR, 3600, ratelimits.ALLOW)


def _take_copy_quota(user: User, count: int) -> None:
    """At most COPIES_PER_HOUR copies per user and hour; a refused batch uses up nothing."""
    if not ratelimits.hit((COPY_QUOTA, (str(user.pk),)), amount=count).allowed:
        raise ValidationError(
            _(
                "You have sent too many copies in the last hour (%(max)s at most). "
                "Please try again later."
            )
            % {"max": COPIES_PER_HOUR},
            code="rate_limited",
        )


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


SHARE_LINK = "invoices.share_link"


def share_link_secrets(*, link_id: int) -> dict[str, str]:
    """Made when the e-mail is sent: a fresh token whose hash replaces the link's, so the
    token exists only in the e-mail (the outbox keeps the link's id)."""
    token = new_link_token()
    if not ShareLink.objects.filter(pk=link_id).update(token_hash=ShareLink.hash_token(token)):
        raise SecretUnavailable("the share link no longer exists")
    return {"link": absolute_url("invoices:shared", token=token)}


@transaction.atomic
def invoice_send_copy(
    *,
    invoice: Invoice,
    user: User,
    recipients: str | Iterable[str],
    message: str = "",
    mode: str = CopyMode.ATTACHMENT,
    language: str | None = None,
) -> list[ShareLink]:
    """E-mail the invoice to colleagues: the PDF attached, or a link that works without
    an account (expires after INVOICE_SHARE_LINK_DAYS, revocable). Recorded in the history."""
    if mode not in (CopyMode.ATTACHMENT, CopyMode.LINK):
        raise ValidationError(_("Please choose how to send the copy."), code="bad_mode")
    addresses = email_list(recipients, max_addresses=MAX_COPY_RECIPIENTS)
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError(_("The message is too long: 2000 characters at most."), code="long")
    language = language or user.preferred_language or settings.LANGUAGE_CODE
    _take_copy_quota(user, len(addresses))
    context = {
        **mail_context(invoice, language),
        "sender": user.get_full_name() or user.email,
        "sender_email": user.email,
        "message": message,
    }
    context.pop("url")  # the colleague may have no account: no portal link
    links: list[ShareLink] = []
    if mode == CopyMode.ATTACHMENT:
        name = rendering.pdf_storage_name(invoice, language=language)
        attachment = {
            "storage_name": name,
            "filename": rendering.filename(invoice),
            "content_type": "application/pdf",
        }
        for address in addresses:
            notify(
                event=Event.INVOICE_COPY,
                template="invoices_copy",
                recipient=member_or_address(invoice.company, address),
                company=invoice.company,
                language=language,
                context=context,
                attachments=[attachment],
                headers={"Reply-To": user.email},
                link=invoice_path(invoice),
            )
        history_write(invoice, InvoiceEvent.Action.COPY_SENT, user, to=addresses, message=message)
        return links
    expires = timezone.now() + timedelta(days=settings.INVOICE_SHARE_LINK_DAYS)
    with translation.override(language):
        expires_text = formats.date_format(timezone.localtime(expires), "DATE_FORMAT")
    for address in addresses:
        link = ShareLink.objects.create(
            invoice=invoice,
            # no working token until the e-mail is sent (share_link_secrets)
            token_hash=ShareLink.hash_token(new_link_token()),
            recipient=address,
            created_by=user,
            expires_at=expires,
        )
        links.append(link)
        notify(
            event=Event.INVOICE_COPY,
            template="invoices_copy_link",
            recipient=member_or_address(invoice.company, address),
            company=invoice.company,
            language=language,
            context={**context, "expires": expires_text},
            headers={"Reply-To": user.email},
            made_at_send=made_at_send(SHARE_LINK, names=["link"], link_id=link.pk),
            link=invoice_path(invoice),
        )
    history_write(
        invoice,
        InvoiceEvent.Action.LINK_SHARED,
        user,
        to=addresses,
        message=message,
        expires=expires.isoformat(),
        links=[link.pk for link in links],
    )
    return links


@transaction.atomic
def share_link_revoke(*, invoice: Invoice, link_id: int, user: User) -> ShareLink:
    """The sender (or a company admin, checked by the caller) stops a link working."""
    link = ShareLink.objects.select_for_update().get(invoice=invoice, pk=link_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        history_write(invoice, InvoiceEvent.Action.LINK_REVOKED, user, to=[link.recipient])
    return link


def share_link_open(*, token: str) -> tuple[ShareLink | None, str]:
    """(link, state) with state "ok", "unknown", "revoked", "expired" or "closed" (its
    sender no longer has access to the company's invoices)."""
    if not token or len(token) > 100:
        return None, "unknown"
    link = (
        ShareLink.objects.select_related(
            "invoice", "invoice__company__country", "invoice__billing_account", "created_by"
        )
        .filter(token_hash=ShareLink.hash_token(token))
        .first()
    )
    if link is None:
        return None, "unknown"
    if link.revoked_at is not None:
        return link, "revoked"
    if link.expires_at <= timezone.now():
        return link, "expired"
    # A link dies with its sender's access to the invoices of the company.
    creator = link.created_by
    if creator is None or not has_app_role(creator, link.invoice.company, App.INVOICES):
        return link, "closed"
    ShareLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link, "ok"
