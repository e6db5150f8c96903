"""State changes of My requests: submit, reply (customer and agent), close, reopen, rate.

Every service is keyword-only and atomic: it validates, saves, writes the status
history row and queues e-mails through the outbox. Attachments are stored inside
`atomic_with_files()` so a failure leaves neither rows nor blobs behind.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.business_days import add_business_days, calendar_code
from portal.files import ATTACHMENTS, atomic_with_files, store_upload
from portal.models import Company, Event, StoredFile, Topic, User
from portal.notify import absolute_url, made_at_send, notify
from portal.references import reference_kinds, resolve_reference
from portal.time_zones import country_zone
from requests_inbox.desk_alerts import ASSIGNED, BAD_RATING, NEW, REPLY, alert_agents
from requests_inbox.models import (
    AUTO_CLOSE_AFTER,
    WAITING_FOR_AGENT,
    Message,
    Rating,
    Request,
    RequestRead,
    Status,
    StatusChange,
)
from requests_inbox.reply_address import reply_address

MAX_FILES = 10
MAX_BODY_CHARS = 20_000
MAX_SUBJECT_CHARS = 200
MAX_REFERENCE_CHARS = 60


def answer_due(company: Company, submitted_at: datetime) -> datetime:
    """One business day after submission in the company country's calendar, same time of day."""
    return add_business_days(
        submitted_at, 1, calendar_code(company.country), country_zone(company.country)
    )


# --- validation -------------------------------------------------------------------


def validate_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Please write a message."), code="empty_message")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            _("The message is too long: %(max)s characters at most.") % {"max": MAX_BODY_CHARS},
            code="message_too_long",
        )
    return body


def validate_attachment_set(files: Sequence[Any]) -> None:
    """Per-message limits; each file is checked again (type, size) when stored."""
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Too many files: %(max)s at most per message.") % {"max": MAX_FILES},
            code="too_many_files",
        )
    total = sum(getattr(f, "size", 0) or 0 for f in files)
    if total > settings.PORTAL_MESSAGE_MAX_BYTES:
        raise ValidationError(
            _("The files are too large together: the limit is %(limit)s per message.")
            % {"limit": filesizeformat(settings.PORTAL_MESSAGE_MAX_BYTES)},
            code="message_too_large",
        )


def _store_attachments(
    message: Message, files: Sequence[Any], *, stored: list[StoredFile], user: User | None
) -> None:
    for item in files:
        if isinstance(item, StoredFile):
            if item.company_id not in (None, message.company_id):
                raise ValidationError(_("This file cannot be attached."), code="foreign_file")
            message.attachments.add(item)
            continue
        upload: UploadedFile = item
        stored_file = store_upload(upload, company=message.company, user=user, allowed=ATTACHMENTS)
        stored.append(stored_file)
        message.attachments.add(stored_file)


def _lock(request: Request) -> Request:
    return Request.objects.select_for_update().get(pk=request.pk)


def _history(
    request: Request, *, to: str, actor: User | None, note: str = "", frm: str = ""
) -> None:
    StatusChange.objects.create(
        company_id=request.company_id,
        request=request,
        from_status=frm,
        to_status=to,
        actor=actor,
        note=note[:200],
    )


def _set_status(request: Request, status: str, *, actor: User | None, note: str = "") -> None:
    previous = request.status
    if previous == status:
        return
    request.status = status
    now = timezone.now()
    if status == Status.CLOSED:
        request.closed_at = now
    elif previous == Status.CLOSED:
        request.closed_at = None
    if status == Status.ANSWERED:
        request.answered_at = now
    _history(request, frm=previous, to=status, actor=actor, note=note)
    if status == Status.CLOSED and request.category == Topic.INVOICES and request.reference:
        from invoices.disputes import invoice_dispute_closed

        invoice_dispute_closed(request=request, actor=actor)


# --- e-mail threading ---------------------------------------------------------------


def mail_domain() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"


def thread_id(number: str) -> str:
    """The conversation's root Message-ID; every outgoing e-mail refers to it."""
    return f"<{number}@{mail_domain()}>"


REPLY_ADDRESS = "requests_inbox.reply_address"


def reply_address_secrets(*, number: str) -> dict[str, str]:
    """Made when the e-mail is sent: the request's own, unguessable reply address (its
    token never lies in the outbox, which keeps the tracking number only)."""
    return {"reply_to": reply_address(number)}


def thread_headers(request: Request) -> tuple[dict[str, str], dict[str, Any] | None]:
    """The threading headers of a request e-mail, and the recipe of its Reply-To."""
    root = thread_id(request.number)
    headers = {
        "Message-ID": f"<{request.number}.{uuid.uuid4().hex}@{mail_domain()}>",
        "In-Reply-To": root,
        "References": root,
    }
    if not reply_address(request.number):
        return headers, None
    recipe = made_at_send(
        REPLY_ADDRESS, names=["reply_to"], placeholders=True, number=request.number
    )
    headers["Reply-To"] = recipe["placeholders"]["reply_to"]
    return headers, recipe


def replies_by_email() -> bool:
    """Answers by e-mail reach the request only when a Reply-To inbox is set and read."""
    return bool(settings.REQUESTS_REPLY_TO and settings.INBOUND_IMAP_URL)


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "replies_by_email": replies_by_email(),
        "number": request.number,
        "subject": request.subject,
        "url": absolute_url("requests_inbox:detail", number=request.number),
        "due_at": timezone.localtime(request.due_at).isoformat(),
        **extra,
    }


def _notify_requester(
    request: Request, template: str, *, in_portal: bool = True, **extra: Any
) -> None:
    """E-mail the requester; news from customer service also goes to her notification
    centre (not the acknowledgement of what she just sent)."""
    headers, recipe = thread_headers(request)
    number = extra.get("target_number") or request.number
    notify(
        event=Event.REQUEST,
        template=template,
        recipient=request.requester,
        context=_context(request, **extra),
        company=request.company,
        headers=headers,
        made_at_send=recipe,
        link=reverse("requests_inbox:detail", kwargs={"number": number}) if in_portal else None,
    )


# --- customer side ------------------------------------------------------------------


def resolve_request_reference(company: Company, category: str, reference: str) -> Any | None:
    """The referenced object of the company, None for free text; raises for a bad number.

    Another company's number gets exactly the same message as an unknown one.
    """
    reference = (reference or "").strip()
    if not reference or category not in reference_kinds():
        return None
    found = resolve_reference(company, category, reference)
    if found is None:
        raise ValidationError(
            _("No %(category)s with the reference “%(reference)s” was found for your company.")
            % {"category": Topic(category).label.lower(), "reference": reference},
            code="unknown_reference",
        )
    return found


@transaction.atomic
def request_submit(
    *,
    company: Company,
    user: User,
    category: str,
    subject: str,
    message: str,
    reference: str = "",
    attachments: Sequence[Any] = (),
    payload: dict[str, Any] | None = None,
) -> Request:
    """Create a request with its first message; acknowledge it by e-mail with the number."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError(_("Please give a subject."), code="empty_subject")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationError(
            _("The subject is too long: %(max)s characters at most.") % {"max": MAX_SUBJECT_CHARS},
            code="subject_too_long",
        )
    if category not in Topic.values:
        raise ValidationError(_("Please choose a category."), code="bad_category")
    body = validate_body(message)
    reference = (reference or "").strip()
    if len(reference) > MAX_REFERENCE_CHARS:
        raise ValidationError(_("The reference is too long."), code="reference_too_long")
    target = resolve_request_reference(company, category, reference)
    files = list(attachments)
    validate_attachment_set(files)

    now = timezone.now()
    with atomic_with_files() as stored:
        request = Request(
            company=company,
            requester=user,
            number=f"TMP-{uuid.uuid4().hex}",
            subject=subject,
            category=category,
            reference=reference,
            payload=payload or {},
            due_at=answer_due(company, now),
            created_at=now,
            last_message_at=now,
        )
        if target is not None:
            request.reference_type = ContentType.objects.get_for_model(type(target))
            request.reference_id = str(target.pk)
        request.save()
        request.number = tracking_number(request.pk, now)
        Request.objects.filter(pk=request.pk).update(number=request.number)
        first = Message.objects.create(
            company=company, request=request, author=user, body=body, created_at=now
        )
        _store_attachments(first, files, stored=stored, user=user)
        _history(request, to=Status.NEW, actor=user)
        _notify_requester(request, "requests_inbox_acknowledgement", in_portal=False)
        alert_agents(request, kind=NEW, excerpt=body)
    return request


def tracking_number(pk: int, at: datetime) -> str:
    """Human-readable and unique without a lock: derived from the row id after insert."""
    return f"CS-{timezone.localtime(at).year}-{pk:06d}"


@transaction.atomic
def request_customer_reply(
    *, request: Request, user: User, body: str, attachments: Sequence[Any] = (), source: str = ""
) -> Message:
    """Add the customer's message; a closed request reopens within 30 days, never after."""
    body = validate_body(body)
    files = list(attachments)
    validate_attachment_set(files)
    with atomic_with_files() as stored:
        request = _lock(request)
        if request.status == Status.CLOSED:
            if not request.can_reopen():
                raise ValidationError(
                    _(
                        "This request was closed more than 30 days ago and can no longer be "
                        "answered. Please write a new request."
                    ),
                    code="closed_for_good",
                )
        now = timezone.now()
        message = Message.objects.create(
            company_id=request.company_id,
            request=request,
            author=user,
            body=body,
            source=source or Message.Source.WEB,
            created_at=now,
        )
        _store_attachments(message, files, stored=stored, user=user)
        if request.status in (Status.ANSWERED, Status.CLOSED):
            # A new question after an answer starts a new promise; a reply to a request
            # still waiting for us keeps its due time (an overdue request stays overdue).
            note = gettext_noop("Reopened by a reply") if request.status == Status.CLOSED else ""
            _set_status(request, Status.IN_PROGRESS, actor=user, note=note)
            request.due_at = answer_due(request.company, now)
        request.last_message_at = now
        request.save()
        alert_agents(request, kind=REPLY, excerpt=body)
    return message


@transaction.atomic
def request_close(*, request: Request, user: User) -> Request:
    request = _lock(request)
    if request.status == Status.CLOSED:
        raise ValidationError(_("This request is already closed."), code="already_closed")
    _set_status(request, Status.CLOSED, actor=user)
    request.save()
    return request


@transaction.atomic
def request_reopen(*, request: Request, user: User) -> Request:
    request = _lock(request)
    if request.status != Status.CLOSED:
        raise ValidationError(_("This request is not closed."), code="not_closed")
    if not request.can_reopen():
        raise ValidationError(
            _(
                "This request was closed more than 30 days ago and can no longer be reopened. "
                "Please write a new request."
            ),
            code="closed_for_good",
        )
    _set_status(
        request, Status.IN_PROGRESS, actor=user, note=gettext_noop("Reopened by the customer")
    )
    request.due_at = answer_due(request.company, timezone.now())
    request.save()
    return request


@transaction.atomic
def request_rate(*, request: Request, user: User, rating: str, comment: str = "") -> Request:
    """Satisfaction after an answer; a later rating replaces the earlier one. Only the
    requester rates: a colleague (a company administrator sees every request) cannot.

    A rating that turns bad puts the request back in progress for the team (a closed one
    too: the team decides, the customer's 30-day reopening window does not apply) and
    alerts the assignee and the queue. Rating bad again only updates the comment."""
    if user.pk != request.requester_id:
        raise ValidationError(
            _("Only the person who wrote the request can rate the answer."), code="not_requester"
        )
    if rating not in Rating.values:
        raise ValidationError(_("Please choose good or bad."), code="bad_rating")
    request = _lock(request)
    if not request.can_rate:
        raise ValidationError(
            _("You can rate the answer once customer service has answered."), code="not_answered"
        )
    turned_bad = rating == Rating.BAD and request.rating != Rating.BAD
    now = timezone.now()
    request.rating = rating
    request.rating_comment = (comment or "").strip()[:2000]
    request.rated_at = now
    if turned_bad and request.status not in WAITING_FOR_AGENT:
        _set_status(
            request, Status.IN_PROGRESS, actor=user, note=gettext_noop("Reopened by a bad rating")
        )
        request.due_at = answer_due(request.company, now)
    request.save()
    if turned_bad:
        alert_agents(request, kind=BAD_RATING, excerpt=request.rating_comment)
    return request


# --- agent side ---------------------------------------------------------------------


@transaction.atomic
def request_reply(
    *,
    request: Request,
    agent: User,
    body: str,
    internal: bool = False,
    attachments: Sequence[Any] = (),
    seen_message_id: int | None = None,
    close: bool = False,
) -> Message:
    """An agent's answer (e-mailed to the customer, status answered) or internal note.

    `seen_message_id` is the last message the agent had on screen: if a public message
    came in since (a colleague's answer, the customer's reply), the answer is refused so
    the customer never gets two answers and nobody answers a question they have not read.
    `close` answers and closes in one step.
    """
    body = validate_body(body)
    files = list(attachments)
    validate_attachment_set(files)
    with atomic_with_files() as stored:
        request = _lock(request)
        if not internal and seen_message_id is not None:
            _refuse_if_newer(request, seen_message_id)
        now = timezone.now()
        message = Message.objects.create(
            company_id=request.company_id,
            request=request,
            author=agent,
            is_agent=True,
            internal=internal,
            body=body,
            source=Message.Source.ADMIN,
            created_at=now,
        )
        _store_attachments(message, files, stored=stored, user=agent)
        if request.assignee_id is None:
            request.assignee = agent
        if not internal:
            _set_status(request, Status.ANSWERED, actor=agent)
            request.answered_at = now
            request.last_message_at = now
            _notify_requester(
                request,
                "requests_inbox_answer",
                body=body,
                files=[f.original_name for f in message.attachments.all()],
                rate_url=absolute_url("requests_inbox:rate", number=request.number),
            )
            if close:
                _set_status(request, Status.CLOSED, actor=agent)
        elif request.status == Status.NEW:
            _set_status(request, Status.IN_PROGRESS, actor=agent)
        request.save()
    return message


def _refuse_if_newer(request: Request, seen_message_id: int) -> None:
    newer = (
        request.messages.filter(internal=False, pk__gt=seen_message_id)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if newer is None:
        return
    when = formats.date_format(timezone.localtime(newer.created_at), "DATETIME_FORMAT")
    if newer.is_agent:
        name = newer.author.get_full_name() or newer.author.email if newer.author else "—"
        raise ValidationError(
            _(
                "%(name)s answered this request at %(when)s while you were writing. Your "
                "reply was NOT sent (it is kept below): read the answer, then send yours only "
                "if it is still needed."
            )
            % {"name": name, "when": when},
            code="already_answered",
        )
    raise ValidationError(
        _(
            "The customer wrote again at %(when)s while you were writing. Your reply was NOT "
            "sent (it is kept below): read the new message first."
        )
        % {"when": when},
        code="customer_wrote_again",
    )


@transaction.atomic
def request_assign(*, request: Request, agent: User | None, actor: User | None = None) -> Request:
    """Give the request to an agent (or nobody); the new assignee hears about it at once.

    The due time is left alone: an overdue request stays overdue until answered."""
    request = _lock(request)
    changed = request.assignee_id != (agent.pk if agent is not None else None)
    request.assignee = agent
    if agent is not None and request.status == Status.NEW:
        _set_status(request, Status.IN_PROGRESS, actor=actor or agent)
    request.save()
    if changed and agent is not None:
        alert_agents(request, kind=ASSIGNED, actor=actor or agent)
    return request


@transaction.atomic
def request_set_status(
    *, request: Request, status: str, actor: User | None, note: str = ""
) -> Request:
    """Agents' status actions in the queue.

    The due time never moves here (marking an overdue request "in progress" used to
    push it a business day out); "answered" needs an answer sent after the customer's
    last message."""
    request = _lock(request)
    validate_status_change(request=request, status=status)
    reopened = request.status not in WAITING_FOR_AGENT and status in WAITING_FOR_AGENT
    _set_status(request, status, actor=actor, note=note)
    if reopened:  # back on our side after an answer: a new promise starts now
        request.due_at = answer_due(request.company, timezone.now())
    request.save()
    return request


def validate_status_change(*, request: Request, status: str) -> None:
    if status not in Status.values:
        raise ValidationError(_("Unknown status."), code="bad_status")
    if status == Status.ANSWERED and request.status != Status.ANSWERED:
        last = request.messages.filter(internal=False).order_by("-created_at", "-id").first()
        if last is None or not last.is_agent:
            raise ValidationError(
                _("Write the answer first: a request is answered when the customer has a reply."),
                code="no_answer",
            )


@transaction.atomic
def request_auto_close(*, request: Request) -> bool:
    """Close an answered request left without reaction; tell the customer. False if it moved."""
    request = _lock(request)
    if request.status != Status.ANSWERED or request.answered_at is None:
        return False
    if timezone.now() - request.answered_at < AUTO_CLOSE_AFTER:
        return False
    _set_status(
        request, Status.CLOSED, actor=None, note=gettext_noop("Closed automatically after 7 days")
    )
    request.save()
    _notify_requester(request, "requests_inbox_closed")
    return True


def request_mark_read(*, request: Request, agent: User) -> None:
    """The agent has seen the conversation: its customer messages are no longer unread."""
    RequestRead.objects.update_or_create(
        request=request, agent=agent, defaults={"read_at": timezone.now()}
    )


@transaction.atomic
def request_change_category(*, request: Request, category: str, actor: User) -> Request:
    """Re-file a request under another topic (the history keeps the old one)."""
    if category not in Topic.values:
        raise ValidationError(_("Please choose a category."), code="bad_category")
    request = _lock(request)
    if request.category == category:
        return request
    previous = request.category
    request.category = category
    request.save()
    _history(
        request,
        frm=request.status,
        to=request.status,
        actor=actor,
        note=f"{Topic(previous).label} → {Topic(category).label}",
    )
    return request


@transaction.atomic
def request_merge(*, target: Request, duplicates: Sequence[Request], actor: User) -> Request:
    """Merge duplicates of one company into `target`: their messages move to it (history
    kept, each duplicate closed with a note pointing to the target) and each requester is
    told by e-mail which number to follow."""
    target = _lock(target)
    others = [_lock(d) for d in duplicates if d.pk != target.pk]
    if not others:
        raise ValidationError(_("Choose at least two requests to merge."), code="nothing_to_merge")
    if any(
        d.company_id != target.company_id or d.requester_id != target.requester_id for d in others
    ):
        raise ValidationError(
            _("Only requests of the same customer can be merged."), code="other_customer"
        )
    now = timezone.now()
    for duplicate in others:
        duplicate.messages.update(request=target)
        Message.objects.create(
            company_id=target.company_id,
            request=target,
            author=actor,
            is_agent=True,
            internal=True,
            body=_("Merged from %(number)s “%(subject)s”.")
            % {"number": duplicate.number, "subject": duplicate.subject},
            source=Message.Source.ADMIN,
            created_at=now,
        )
        previous = duplicate.status
        if previous != Status.CLOSED:
            _set_status(duplicate, Status.CLOSED, actor=actor, note=f"→ {target.number}")
        else:
            _history(duplicate, frm=previous, to=previous, actor=actor, note=f"→ {target.number}")
        duplicate.save()
        _notify_requester(
            duplicate,
            "requests_inbox_merged",
            target_number=target.number,
            target_subject=target.subject,
            target_url=absolute_url("requests_inbox:detail", number=target.number),
        )
    target.last_message_at = max([target.last_message_at, *[d.last_message_at for d in others]])
    target.save()
    return target
