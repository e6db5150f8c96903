"""Replies by e-mail: thread an inbound message onto its request, or refuse it visibly.

A message is added to a request only when exactly one tracking number is found
(the per-request reply address, else subject and In-Reply-To/References headers), the
sender is the requester's own address, AND that sender is proven: the message went to
the request's unguessable reply address, or our mail server's Authentication-Results
vouches for the sender (requests_inbox.reply_address). Everything else is logged (InboundEmail) and answered
with a short "could not be matched" notice through the outbox: a reply is never
attached to a wrong request. Auto-replies and bounces are logged, not answered.
"""

import contextlib
import email
import email.policy
import hashlib
import imaplib
import logging
import mailbox
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from portal.files import validate_upload
from portal.models import Company, Event, Topic, User
from portal.notify import absolute_url, notify
from requests_inbox.models import InboundEmail, Message, Request
from requests_inbox.reply_address import authenticated, tokened_number
from requests_inbox.services import request_customer_reply, request_submit

log = logging.getLogger(__name__)

NUMBER = re.compile(r"\bCS-\d{4}-\d{6,}\b", re.IGNORECASE)
HEADER_NUMBER = re.compile(r"<(CS-\d{4}-\d{6,})(?:\.[0-9a-f]+)?@", re.IGNORECASE)
QUOTE_START = re.compile(
    r"^(On .+ wrote:|Le .+ a écrit\s?:|-{2,}\s*Original Message\s*-{2,}|From: .+|De\s?: .+)$",
    re.IGNORECASE,
)


def message_key(msg: EmailMessage, raw: bytes) -> str:
    key = (msg.get("Message-ID") or "").strip()
    return key[:255] if key else "sha256:" + hashlib.sha256(raw).hexdigest()


def tracking_numbers(msg: EmailMessage) -> set[str]:
    found = {n.upper() for n in NUMBER.findall(str(msg.get("Subject") or ""))}
    for header in ("In-Reply-To", "References"):
        found |= {n.upper() for n in HEADER_NUMBER.findall(str(msg.get(header) or ""))}
    return found


def is_automatic(msg: EmailMessage, sender: str) -> bool:
    """Bounces and auto-replies must not get a notice back (mail loops)."""
    auto = str(msg.get("Auto-Submitted") or "no").lower()
    precedence = str(msg.get("Precedence") or "").lower()
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    return (
        auto != "no"
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or not sender
        or sender == own
        or sender.startswith(("mailer-daemon@", "postmaster@"))
        or bool(msg.get("X-Autoreply") or msg.get("X-Autorespond"))
    )


def body_text(msg: EmailMessage) -> str:
    """The new text of the reply: plain part (or HTML stripped), quoted history removed."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = strip_tags(text)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if QUOTE_START.match(stripped):
            break
        if stripped.startswith(">"):
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


def attachments_of(msg: EmailMessage) -> tuple[list[SimpleUploadedFile], list[str]]:
    """Attached files, validated like uploads; refused ones are named with the reason."""
    kept: list[SimpleUploadedFile] = []
    refused: list[str] = []
    for part in msg.iter_attachments():
        name = part.get_filename() or "attachment"
        data = part.get_payload(decode=True) or b""
        upload = SimpleUploadedFile(name, data, part.get_content_type())
        try:
            validate_upload(upload)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
            continue
        upload.seek(0)
        kept.append(upload)
    return kept, refused


def _log(
    key: str, msg: EmailMessage, sender: str, outcome: str, reason: str, request=None
) -> InboundEmail:
    return InboundEmail.objects.create(
        message_id=key,
        sender=sender[:255],
        subject=str(msg.get("Subject") or "")[:255],
        outcome=outcome,
        reason=reason[:255],
        request=request,
    )


def _unmatched(
    key: str,
    msg: EmailMessage,
    sender: str,
    reason: str,
    *,
    answer: bool,
    template: str = "requests_inbox_unmatched",
) -> InboundEmail:
    log.info("inbound e-mail not matched", extra={"sender": sender, "reason": reason})
    with transaction.atomic():
        row = _log(key, msg, sender, InboundEmail.Outcome.UNMATCHED, reason)
        if answer:
            user = User.objects.filter(email__iexact=sender, is_active=True).first()
            notify(
                event=Event.REQUEST,
                template=template,
                recipient=user or sender,
                context={
                    "original_subject": str(msg.get("Subject") or "")[:150],
                    "create_url": absolute_url("requests_inbox:create"),
                },
                dedupe_key="requests_inbox:unmatched:" + hashlib.sha256(key.encode()).hexdigest(),
            )
    return row


def _only_company(sender: str) -> Company | None:
    """A known customer's one company; None for strangers and users of several companies."""
    user = User.objects.filter(email__iexact=sender, is_active=True, is_staff=False).first()
    if user is None:
        return None
    companies = list(Company.objects.filter(memberships__user=user).distinct()[:2])
    return companies[0] if len(companies) == 1 else None


def _new_request(key: str, msg: EmailMessage, sender: str, company: Company) -> InboundEmail:
    """An e-mail from a known customer without a tracking number starts a new request
    (body and files kept); the customer gets the acknowledgement with the number."""
    user = User.objects.get(email__iexact=sender, is_active=True, is_staff=False)
    body = body_text(msg)
    files, refused = attachments_of(msg)
    if refused:
        body = "\n\n".join([body, *[f"[{reason}]" for reason in refused]]).strip()
    subject = " ".join(str(msg.get("Subject") or "").split())[:200] or body[:80] or "—"
    try:
        with transaction.atomic():
            request = request_submit(
                company=company,
                user=user,
                category=Topic.OTHER,
                subject=subject,
                message=body,
                attachments=files,
            )
            Message.objects.filter(request=request).update(
                source=Message.Source.EMAIL, email_message_id=key
            )
            return _log(
                key, msg, sender, InboundEmail.Outcome.MATCHED, "new request", request=request
            )
    except ValidationError as exc:
        return _unmatched(key, msg, sender, " ".join(exc.messages), answer=True)
    except IntegrityError:
        return None


def process(raw: bytes) -> InboundEmail | None:
    """Handle one raw e-mail; None when it was already handled (idempotent by Message-ID)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    key = message_key(msg, raw)
    if InboundEmail.objects.filter(message_id=key).exists():
        return None
    sender = parseaddr(str(msg.get("From") or ""))[1].lower()
    automatic = is_automatic(msg, sender)
    token_number, token_valid = tokened_number(msg)
    if token_number is not None and not token_valid:
        return _unmatched(key, msg, sender, "invalid reply address", answer=not automatic)
    numbers = {token_number} if token_number else tracking_numbers(msg)
    if not numbers and not automatic and authenticated(msg, sender):
        # A known customer writing afresh (no tracking number) starts a new request, but
        # only when our mail server vouches for the sender: From: alone is never trusted.
        company = _only_company(sender)
        if company is not None:
            return _new_request(key, msg, sender, company)
    if len(numbers) != 1:
        reason = "no tracking number" if not numbers else "several tracking numbers"
        return _unmatched(key, msg, sender, reason, answer=not automatic)
    number = numbers.pop()
    request = Request.objects.select_related("requester", "company").filter(number=number).first()
    if request is None:
        return _unmatched(
            key, msg, sender, f"unknown tracking number {number}", answer=not automatic
        )
    if sender != request.requester.email.lower():
        return _unmatched(
            key, msg, sender, f"not from the requester of {number}", answer=not automatic
        )
    if automatic:
        return _unmatched(key, msg, sender, "automatic reply", answer=False)
    if not token_valid and not authenticated(msg, sender):
        log.warning("inbound e-mail from an unverified sender", extra={"request": number})
        return _unmatched(
            key,
            msg,
            sender,
            f"sender not verified for {number}",
            answer=True,
            template="requests_inbox_unverified",
        )
    body = body_text(msg)
    files, refused = attachments_of(msg)
    if refused:
        body = "\n\n".join([body, *[f"[{reason}]" for reason in refused]]).strip()
    try:
        with transaction.atomic():
            message = request_customer_reply(
                request=request,
                user=request.requester,
                body=body,
                attachments=files,
                source=Message.Source.EMAIL,
            )
            Message.objects.filter(pk=message.pk).update(email_message_id=key)
            return _log(key, msg, sender, InboundEmail.Outcome.MATCHED, "", request=request)
    except ValidationError as exc:
        return _unmatched(key, msg, sender, " ".join(exc.messages), answer=True)
    except IntegrityError:
        return None  # handled concurrently by another run


def read_maildir(path: str) -> Iterator[tuple[bytes, Callable[[], None]]]:
    """Unseen messages of a Maildir; the callback marks one as seen once handled."""
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in list(box.keys()):
        message = box.get_message(key)
        if "S" in message.get_flags():
            continue

        def done(key: str = key, message: mailbox.MaildirMessage = message) -> None:
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message

        yield box.get_bytes(key), done


def read_imap(url: str) -> Iterator[tuple[bytes, Callable[[], None]]]:
    """Unseen messages of an IMAP folder: imaps://user:password@host[:port]/FOLDER."""
    parts = urlsplit(url)
    cls = imaplib.IMAP4_SSL if parts.scheme == "imaps" else imaplib.IMAP4
    connection = cls(parts.hostname, parts.port or (993 if parts.scheme == "imaps" else 143))
    try:
        connection.login(unquote(parts.username or ""), unquote(parts.password or ""))
        connection.select(parts.path.strip("/") or "INBOX")
        _status, data = connection.uid("search", None, "UNSEEN")
        for uid in (data[0] or b"").split():
            _status, fetched = connection.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), b"")

            def done(uid: bytes = uid) -> None:
                connection.uid("store", uid, "+FLAGS", "(\\Seen)")

            yield raw, done
    finally:
        with contextlib.suppress(Exception):
            connection.logout()


def fetch(source: Iterator[tuple[bytes, Callable[[], None]]]) -> dict[str, int]:
    counts = {"matched": 0, "unmatched": 0, "skipped": 0}
    for raw, done in source:
        row = process(raw)
        if row is None:
            counts["skipped"] += 1
        elif row.outcome == InboundEmail.Outcome.MATCHED:
            counts["matched"] += 1
        else:
            counts["unmatched"] += 1
        done()
    return counts
