"""Approving or rejecting an invoice (approvers of the company), one decision per version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.history import history_write
from invoices.models import ApprovalStatus, Invoice, InvoiceEvent
from invoices.selectors import invoice_is_disputed
from portal.models import Company, User


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
    if invoice_is_disputed(invoice):
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
    history_write(invoice, action, user, comment=comment)
    return invoice
