"""The daily overdue scan: unpaid invoices past their due date become overdue."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from invoices.history import history_write, invoice_path, mail_context
from invoices.models import UNPAID, Invoice, InvoiceEvent, PaymentStatus
from portal.applications import App
from portal.models import Event, User
from portal.notify import notify


def invoice_overdue_scan(*, today: date | None = None) -> int:
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
            history_write(
                invoice, InvoiceEvent.Action.OVERDUE, None, due_date=invoice.due_date.isoformat()
            )
            flagged += 1
            if not invoice.company.country.offers(App.INVOICES):
                continue
            for user in User.objects.with_app(invoice.company, App.INVOICES):
                notify(
                    event=Event.INVOICE_OVERDUE,
                    template="invoices_overdue",
                    recipient=user,
                    company=invoice.company,
                    context=mail_context(invoice, user.preferred_language),
                    dedupe_key=f"invoices:overdue:{invoice.pk}:{user.pk}",
                    link=invoice_path(invoice),
                )
    return flagged
