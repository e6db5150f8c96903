"""The Invoices tile on the home page."""

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.models import UNPAID, ApprovalStatus, Invoice, PaymentStatus
from portal.applications import Figure


def home_figures(company: Any, user: Any) -> list[Figure]:
    """Open (to pay) and overdue counts, then the to-verify count: two index-only
    counts (one aggregate with three filters read every invoice of the company)."""
    today = timezone.localdate()
    invoices = Invoice.objects.for_company(company)
    counts = invoices.filter(payment_status__in=UNPAID).aggregate(
        due=Count("*"),
        overdue=Count(  # a column of the index (Star cannot carry a filter)
            "payment_status",
            filter=Q(payment_status=PaymentStatus.OVERDUE) | Q(due_date__lt=today),
        ),
    )
    counts["to_verify"] = invoices.filter(approval_status=ApprovalStatus.TO_VERIFY).count()
    url = reverse("invoices:list")
    return [
        Figure(_("Invoices to pay"), counts["due"], f"{url}?sort=due_date"),
        Figure(_("Overdue invoices"), counts["overdue"], f"{url}?payment=overdue"),
        Figure(_("Invoices to verify"), counts["to_verify"], f"{url}?approval=to_verify"),
    ]
