"""State changes of Invoices On-Line: issue, decide, dispute, copies, share links, ZIPs, overdue.

Every service is keyword-only and atomic: it validates, saves, writes the
invoice's history row and queues e-mails through the outbox. Rule violations
raise ValidationError with a message meant for the user.
"""

import secrets
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from invoices import rendering
from invoices.models import (
    UNPAID,
    ApprovalStatus,
    BillingAccount,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    PaymentStatus,
    ShareLink,
)
from invoices.terms import PaymentTerm, due_date_for
from portal import ratelimits
from portal.access import has_app_role
from portal.applications import App
from portal.jobs import job_start
from portal.models import Authorization, Company, Event, Job, User
from portal.money import format_money
from portal.notify import SecretUnavailable, absolute_url, made_at_send, notify

CENT = Decimal("0.01")
MAX_COPY_RECIPIENTS = 10
COPIES_PER_HOUR = 20
MAX_ZIP_INVOICES = 500


def zip_direct_max() -> int:
    """Up to this many PDFs the ZIP streams in the response; more go to the worker."""
    return settings.INVOICE_ZIP_DIRECT_MAX


# --- reading helpers used by views and services ---------------------------------------


def open_dispute_requests(company_field: str = "company", number_field: str = "number") -> Any:
    """Subquery: an open My-requests request of category "invoices" names this invoice."""
    from requests_inbox.models import Request, Status

    return (
        Request.objects.filter(
            company=OuterRef(company_field), category=App.INVOICES, reference=OuterRef(number_field)
        )
        .exclude(status=Status.CLOSED)
        # Most requests name no reference: saying so lets the planner hash the few
        # that do, once, instead of scanning the company's requests for every invoice.
        .exclude(reference="")
        .values("pk")
    )


def with_dispute(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `is_disputed`: shown until the agents close the request (derived, never synced)."""
    return queryset.annotate(is_disputed=Exists(open_dispute_requests()))


def disputed_numbers(company: Company) -> set[str]:
    """Numbers named by the company's open "invoices" requests (few): for exports,
    one query instead of a subquery per exported invoice."""
    from requests_inbox.models import Request, Status

    return set(
        Request.objects.for_company(company)
        .filter(category=App.INVOICES)
        .exclude(status=Status.CLOSED)
        .values_list("reference", flat=True)
    )


def is_disputed(invoice: Invoice) -> bool:
    from requests_inbox.models import Request, Status

    return (
        Request.objects.filter(
            company_id=invoice.company_id, category=App.INVOICES, reference=invoice.number
        )
        .exclude(status=Status.CLOSED)
        .exists()
    )


def dispute_requests(invoice: Invoice) -> list[Any]:
    """The company's My-requests disputes naming this invoice, newest first."""
    from requests_inbox.models import Request

    return list(
        Request.objects.for_company(invoice.company)
        .filter(category=App.INVOICES, reference=invoice.number)
        .select_related("requester")
        .order_by("-created_at")[:10]
    )


def settlements(invoice: Invoice) -> dict[str, list[Any]]:
    """What settled the invoice: payment allocations and credit notes (statements' rows,
    reached through the invoice's own relations, so they stay in its company)."""
    return {
        "allocations": list(
            invoice.payment_allocations.select_related("payment").order_by("payment__date")
        ),
        "credit_notes": list(invoice.credit_notes.order_by("date", "number")),
    }


@transaction.atomic
def invoice_dispute_closed(*, request: Any, actor: User | None) -> InvoiceEvent | None:
    """A dispute request was closed: the invoice's history says so and the person who
    raised it is told (unless she closed it herself). Called by My requests."""
    invoice = Invoice.objects.for_company(request.company).filter(number=request.reference).first()
    if invoice is None:
        return None
    event = _history(invoice, InvoiceEvent.Action.DISPUTE_CLOSED, actor, request=request.number)
    requester = request.requester
    if requester is not None and requester != actor and requester.is_active:
        context = _mail_context(invoice, requester.preferred_language)
        context["request"] = request.number
        notify(
            event=Event.REQUEST,
            template="invoices_dispute_closed",
            recipient=requester,
            company=invoice.company,
            context=context,
            dedupe_key=f"invoices:dispute-closed:{request.pk}:{event.pk}",
            link=_invoice_path(invoice),
        )
    return event


CURRENCIES_SQL = """
WITH RECURSIVE found(currency) AS (
    SELECT (SELECT currency FROM invoices_invoice WHERE company_id = %s
            ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT i.currency FROM invoices_invoice i
            WHERE i.company_id = %s AND i.currency > found.currency
            ORDER BY i.currency LIMIT 1)
    FROM found WHERE found.currency IS NOT NULL
)
SELECT currency FROM found WHERE currency IS NOT NULL
"""


def currencies_of(company: Company) -> list[str]:
    """The currencies the company's invoices use, for the list's filter.

    A "loose index scan" on (company, currency): one index probe per currency,
    where SELECT DISTINCT would read every invoice of the company."""
    with connection.cursor() as cursor:
        cursor.execute(CURRENCIES_SQL, [company.pk, company.pk])
        return [row[0] for row in cursor.fetchall()]


def invoice_users(company: Company) -> QuerySet[User]:
    """Active users holding a granted invoices authorization for the company."""
    return User.objects.filter(
        is_active=True,
        authorizations__company=company,
        authorizations__app=App.INVOICES,
        authorizations__status=Authorization.Status.GRANTED,
    ).distinct()


def _history(invoice: Invoice, action: str, actor: User | None, **detail: Any) -> InvoiceEvent:
    return InvoiceEvent.objects.create(invoice=invoice, action=action, actor=actor, detail=detail)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


# --- issuing -------------------------------------------------------------------------


@transaction.atomic
def invoice_issue(
    *,
    company: Company,
    billing_account: BillingAccount,
    number: str,
    issue_date: date,
    due_date: date | None = None,
    lines: Sequence[dict[str, Any]],
    terms: str = "",
    currency: str | None = None,
    po_number: str = "",
    order_number: str = "",
    contract_number: str = "",
    payment_terms: str = "",
    actor: User | None = None,
) -> Invoice:
    """Create an invoice with its lines and totals; e-mail the users who asked for new invoices.

    `lines`: dicts with part_number, description, quantity, unit_price, tax_rate.
    With `terms` (a PaymentTerm) the due date is computed from the issue date; a due
    date given as well must be the one the term gives (the invoice prints both).
    """
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Please give an invoice number."), code="no_number")
    if billing_account.company_id != company.pk:
        raise ValidationError(_("This billing account is not the company's."), code="foreign")
    if Invoice.objects.for_company(company).filter(number=number).exists():
        raise ValidationError(
            _("Invoice %(number)s already exists.") % {"number": number}, code="duplicate"
        )
    if terms:
        if terms not in PaymentTerm.values:
            raise ValidationError(_("Unknown payment term."), code="bad_terms")
        expected = due_date_for(terms, issue_date)
        if due_date is not None and due_date != expected:
            raise ValidationError(
                _("With the term “%(term)s” the due date is %(date)s, not %(given)s.")
                % {
                    "term": PaymentTerm(terms).label,
                    "date": formats.date_format(expected, "SHORT_DATE_FORMAT"),
                    "given": formats.date_format(due_date, "SHORT_DATE_FORMAT"),
                },
                code="due_mismatch",
            )
        due_date = expected
    if due_date is None:
        raise ValidationError(_("Please give a due date or a payment term."), code="no_due")
    if due_date < issue_date:
        raise ValidationError(_("The due date is before the issue date."), code="due_before")
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."), code="no_lines")
    invoice = Invoice(
        company=company,
        number=number,
        billing_account=billing_account,
        country=company.country,
        issue_date=issue_date,
        due_date=due_date,
        currency=currency or billing_account.currency,
        po_number=po_number,
        order_number=order_number,
        contract_number=contract_number,
        payment_terms=payment_terms,
        terms=terms,
    )
    built = []
    subtotal = tax_total = Decimal("0")
    for position, data in enumerate(lines, start=1):
        quantity = Decimal(str(data.get("quantity", 1)))
        unit_price = Decimal(str(data["unit_price"]))
        tax_rate = Decimal(str(data.get("tax_rate", "20")))
        line_total = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
        line = InvoiceLine(
            position=position,
            part_number=data.get("part_number", ""),
            description=data["description"],
            quantity=quantity,
            unit_price=unit_price,
            tax_rate=tax_rate,
            line_total=line_total,
        )
        subtotal += line_total
        tax_total += line.tax_amount
        built.append(line)
    invoice.subtotal = subtotal
    invoice.tax_total = tax_total
    invoice.total = subtotal + tax_total
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    _history(invoice, InvoiceEvent.Action.ISSUED, actor, total=_money(invoice.total))
    announce_new_invoice(invoice)
    return invoice


def announce_new_invoice(invoice: Invoice) -> int:
    """E-mail the company's invoices users who opted in; once per invoice and user
    (dedupe key), so the agents' admin action may be used again safely."""
    company = invoice.company
    if not company.country.offers(App.INVOICES):
        return 0
    sent = 0
    for user in invoice_users(company):
        row = notify(
            event=Event.INVOICE_NEW,
            template="invoices_new",
            recipient=user,
            company=company,
            context=_mail_context(invoice, user.preferred_language),
            dedupe_key=f"invoices:new:{invoice.pk}:{user.pk}",
            link=_invoice_path(invoice),
        )
        sent += row is not None
    return sent


@transaction.atomic
def invoice_recompute(
    *, invoice: Invoice, actor: User | None, changes: Sequence[str] = ()
) -> Invoice:
    """After an agent edited an invoice or its lines: totals from the lines, a new
    version (its PDF is rendered again, stale approval forms are refused), history."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    subtotal = tax_total = Decimal("0")
    for line in invoice.lines.all():
        subtotal += line.line_total
        tax_total += line.tax_amount
    invoice.subtotal, invoice.tax_total = subtotal, tax_total
    invoice.total = subtotal + tax_total
    invoice.version += 1
    invoice.save()
    _history(invoice, InvoiceEvent.Action.CHANGED, actor, fields=list(changes))
    return invoice


def _invoice_path(invoice: Invoice) -> str:
    """The invoice's page, for the notification centre (behind the gate)."""
    return reverse("invoices:detail", kwargs={"number": invoice.number})


def _colleague(invoice: Invoice, address: str) -> User | str:
    """The active member of the invoice's company with this address (her copy also goes to
    her notification centre), else the address itself."""
    user = User.objects.filter(
        email__iexact=address, is_active=True, memberships__company=invoice.company
    ).first()
    return user if user is not None else address


def _mail_context(invoice: Invoice, language: str) -> dict[str, Any]:
    """Plain strings only (the outbox stores JSON), formatted in the recipient's language."""
    with translation.override(language):
        return {
            "number": invoice.number,
            "company_name": invoice.company.name,
            "total": format_money(invoice.total),
            "open_amount": format_money(invoice.open_amount),
            "currency": invoice.currency,
            "issue_date": formats.date_format(invoice.issue_date, "DATE_FORMAT"),
            "due_date": formats.date_format(invoice.due_date, "DATE_FORMAT"),
            "url": absolute_url("invoices:detail", number=invoice.number),
        }


# --- approval ------------------------------------------------------------------------


class Decision:
    APPROVE = "approve"
    REJECT = "reject"


@transaction.atomic
def invoice_decide(
    *,
    company: Company,
    number: str,
    user: User,
    decision: str,
    comment: str = "",
    version: int | None = None,
) -> Invoice:
    """Approve or reject. The row is locked; a decision taken meanwhile by someone else
    (version moved on) is reported, never overwritten."""
    if decision not in (Decision.APPROVE, Decision.REJECT):
        raise ValidationError(_("Please choose to approve or to reject."), code="bad_decision")
    comment = (comment or "").strip()
    if decision == Decision.REJECT and not comment:
        raise ValidationError(_("Please say why you reject this invoice."), code="comment_required")
    # No join here: after waiting for the lock PostgreSQL re-reads the locked row,
    # but a joined decided_by would come from the old snapshot.
    invoice = Invoice.objects.for_company(company).select_for_update().get(number=number)
    if version is not None and invoice.version != version:
        if invoice.approval_status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
            raise ValidationError(
                _(
                    "This invoice was %(decision)s by %(name)s meanwhile; "
                    "your decision was not recorded."
                )
                % {
                    "decision": invoice.get_approval_status_display().lower(),
                    "name": str(invoice.decided_by or _("another approver")),
                },
                code="decided_meanwhile",
            )
        raise ValidationError(
            _("This invoice changed meanwhile; please check it again before deciding."),
            code="stale",
        )
    if invoice.approval_status != ApprovalStatus.TO_VERIFY:
        raise ValidationError(
            _("This invoice is already %(status)s; it cannot be decided again.")
            % {"status": invoice.get_approval_status_display().lower()},
            code="already_decided",
        )
    if is_disputed(invoice):
        raise ValidationError(
            _("This invoice is disputed; it can be decided once the request is closed."),
            code="disputed",
        )
    invoice.approval_status = (
        ApprovalStatus.APPROVED if decision == Decision.APPROVE else ApprovalStatus.REJECTED
    )
    invoice.decided_by = user
    invoice.decided_at = timezone.now()
    invoice.decision_comment = comment
    invoice.version += 1
    invoice.save(
        update_fields=[
            "approval_status",
            "decided_by",
            "decided_at",
            "decision_comment",
            "version",
            "updated_at",
        ]
    )
    action = (
        InvoiceEvent.Action.APPROVED
        if decision == Decision.APPROVE
        else InvoiceEvent.Action.REJECTED
    )
    _history(invoice, action, user, comment=comment)
    return invoice


@transaction.atomic
def invoice_dispute(
    *,
    company: Company,
    number: str,
    user: User,
    reason: str,
    line_positions: Sequence[int] = (),
    attachments: Sequence[Any] = (),
) -> Any:
    """Open a My-requests request of category "invoices" naming the invoice (and lines).

    The invoice reads "disputed" as long as that request is open: nothing to sync.
    """
    from requests_inbox.services import request_submit

    invoice = Invoice.objects.for_company(company).select_for_update().get(number=number)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please explain what is wrong."), code="no_reason")
    if is_disputed(invoice):
        raise ValidationError(
            _("A dispute about this invoice is already open."), code="already_disputed"
        )
    positions = sorted({int(p) for p in line_positions})
    lines = {line.position: line for line in invoice.lines.filter(position__in=positions)}
    if len(lines) != len(positions):
        raise ValidationError(_("Please choose lines of this invoice."), code="bad_lines")
    chosen = [
        {
            "position": p,
            "part_number": lines[p].part_number,
            "description": lines[p].description,
            "line_total": _money(lines[p].line_total),
        }
        for p in positions
    ]
    if chosen:
        subject = _("Dispute of invoice %(number)s (lines %(lines)s)") % {
            "number": invoice.number,
            "lines": ", ".join(str(p) for p in positions),
        }
    else:
        subject = _("Dispute of invoice %(number)s") % {"number": invoice.number}
    request = request_submit(
        company=company,
        user=user,
        category=App.INVOICES,
        subject=subject,
        message=reason,
        reference=invoice.number,
        attachments=list(attachments),
        payload={"invoice": invoice.number, "lines": chosen},
    )
    _history(
        invoice,
        InvoiceEvent.Action.DISPUTED,
        user,
        request=request.number,
        lines=positions,
        reason=reason[:500],
    )
    return request


# --- copies and share links ------------------------------------------------------------


class CopyMode:
    ATTACHMENT = "attachment"
    LINK = "link"


def clean_recipients(raw: str | Iterable[str]) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines; validated, deduplicated."""
    if isinstance(raw, str):
        raw = raw.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    addresses: list[str] = []
    for item in raw:
        address = item.strip().lower()
        if not address or address in addresses:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not a valid e-mail address.") % {"address": item.strip()[:80]},
                code="bad_address",
            ) from None
        addresses.append(address)
    if not addresses:
        raise ValidationError(_("Please give at least one e-mail address."), code="no_address")
    if len(addresses) > MAX_COPY_RECIPIENTS:
        raise ValidationError(
            _("At most %(max)s addresses at a time.") % {"max": MAX_COPY_RECIPIENTS},
            code="too_many",
        )
    return addresses


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
def send_copy(
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
    addresses = clean_recipients(recipients)
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError(_("The message is too long: 2000 characters at most."), code="long")
    language = language or user.preferred_language or settings.LANGUAGE_CODE
    _take_copy_quota(user, len(addresses))
    context = {
        **_mail_context(invoice, language),
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
                recipient=_colleague(invoice, address),
                company=invoice.company,
                language=language,
                context=context,
                attachments=[attachment],
                headers={"Reply-To": user.email},
                link=_invoice_path(invoice),
            )
        _history(invoice, InvoiceEvent.Action.COPY_SENT, user, to=addresses, message=message)
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
            recipient=_colleague(invoice, address),
            company=invoice.company,
            language=language,
            context={**context, "expires": expires_text},
            headers={"Reply-To": user.email},
            made_at_send=made_at_send(SHARE_LINK, names=["link"], link_id=link.pk),
            link=_invoice_path(invoice),
        )
    _history(
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
def revoke_link(*, invoice: Invoice, link_id: int, user: User) -> ShareLink:
    """The sender (or a company admin, checked by the caller) stops a link working."""
    link = ShareLink.objects.select_for_update().get(invoice=invoice, pk=link_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        _history(invoice, InvoiceEvent.Action.LINK_REVOKED, user, to=[link.recipient])
    return link


def find_share_link(token: str) -> tuple[ShareLink | None, str]:
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


# --- ZIP of PDFs ---------------------------------------------------------------------


class _Sink:
    """A write-only target for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(invoices: Iterable[Invoice], *, language: str) -> Iterator[bytes]:
    """Yield a ZIP of the invoices' PDFs piece by piece (each PDF from the document store)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for invoice in invoices:
            archive.writestr(
                rendering.filename(invoice), rendering.pdf_bytes(invoice, language=language)
            )
            yield sink.drain()
    yield sink.drain()


def selected_invoices(company: Company, numbers: Sequence[str]) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_company(company)
        .filter(number__in=list(numbers)[:MAX_ZIP_INVOICES])
        .select_related("company", "billing_account")
        .order_by("number")
    )


def zip_request(*, company: Company, user: User, numbers: Sequence[str], language: str) -> Job:
    """A large selection: a worker builds the ZIP (portal.jobs) and e-mails a link when ready."""
    found = list(selected_invoices(company, numbers).values_list("number", flat=True))
    if not found:
        raise ValidationError(_("Please select at least one invoice."), code="empty")
    return job_start(
        company=company,
        user=user,
        kind="invoices.zip",
        params={"numbers": found},
        total=len(found),
        language=language,
    )


# --- overdue scan --------------------------------------------------------------------


def overdue_scan(today: date | None = None) -> int:
    """Flag unpaid invoices past their due date and e-mail each invoices user once
    per invoice (dedupe key), for those who opted in. Returns how many were flagged."""
    today = today or timezone.localdate()
    candidates = (
        Invoice.objects.filter(
            payment_status__in=[PaymentStatus.OPEN, PaymentStatus.PARTIALLY_PAID],
            due_date__lt=today,
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    flagged = 0
    for pk in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            invoice = (
                Invoice.objects.select_for_update()
                .select_related("company", "company__country")
                .filter(pk=pk, payment_status__in=UNPAID)
                .first()
            )
            if invoice is None or invoice.payment_status == PaymentStatus.OVERDUE:
                continue
            invoice.payment_status = PaymentStatus.OVERDUE
            invoice.save(update_fields=["payment_status", "updated_at"])
            _history(
                invoice, InvoiceEvent.Action.OVERDUE, None, due_date=invoice.due_date.isoformat()
            )
            flagged += 1
            if not invoice.company.country.offers(App.INVOICES):
                continue
            for user in invoice_users(invoice.company):
                notify(
                    event=Event.INVOICE_OVERDUE,
                    template="invoices_overdue",
                    recipient=user,
                    company=invoice.company,
                    context=_mail_context(invoice, user.preferred_language),
                    dedupe_key=f"invoices:overdue:{invoice.pk}:{user.pk}",
                    link=_invoice_path(invoice),
                )
    return flagged
