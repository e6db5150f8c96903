"""Disputes: an invoice is disputed through a My-requests request naming it, as long as
that request is open; closing it is written in the invoice's history."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoices.history import history_write, invoice_path, mail_context, money_text
from invoices.models import Invoice, InvoiceEvent
from invoices.selectors import invoice_is_disputed
from portal.applications import App
from portal.models import Company, Event, User
from portal.notify import notify


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
    if invoice_is_disputed(invoice):
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
            "line_total": money_text(lines[p].line_total),
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
    history_write(
        invoice,
        InvoiceEvent.Action.DISPUTED,
        user,
        request=request.number,
        lines=positions,
        reason=reason[:500],
    )
    return request


@transaction.atomic
def invoice_dispute_closed(*, request: Any, actor: User | None) -> InvoiceEvent | None:
    """A dispute request was closed: the invoice's history says so and the person who
    raised it is told (unless she closed it herself). Called by My requests."""
    invoice = Invoice.objects.for_company(request.company).filter(number=request.reference).first()
    if invoice is None:
        return None
    event = history_write(
        invoice, InvoiceEvent.Action.DISPUTE_CLOSED, actor, request=request.number
    )
    requester = request.requester
    if requester is not None and requester != actor and requester.is_active:
        context = mail_context(invoice, requester.preferred_language)
        context["request"] = request.number
        notify(
            event=Event.REQUEST,
            template="invoices_dispute_closed",
            recipient=requester,
            company=invoice.company,
            context=context,
            dedupe_key=f"invoices:dispute-closed:{request.pk}:{event.pk}",
            link=invoice_path(invoice),
        )
    return event
