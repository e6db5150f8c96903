from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def resolve_invoice(company: Any, text: str) -> Any:
    from invoices.models import Invoice

    return Invoice.objects.for_company(company).filter(number=text).first()


def home_figures(company: Any, user: Any) -> list:
    """Open (to pay), overdue and to-verify counts in one aggregate query."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from invoices.models import UNPAID, ApprovalStatus, Invoice, PaymentStatus
    from portal.applications import Figure

    today = timezone.localdate()
    unpaid = Q(payment_status__in=UNPAID)
    counts = Invoice.objects.for_company(company).aggregate(
        due=Count("pk", filter=unpaid),
        overdue=Count(
            "pk", filter=unpaid & (Q(payment_status=PaymentStatus.OVERDUE) | Q(due_date__lt=today))
        ),
        to_verify=Count("pk", filter=Q(approval_status=ApprovalStatus.TO_VERIFY)),
    )
    url = reverse("invoices:list")
    return [
        Figure(_("Invoices to pay"), counts["due"], f"{url}?sort=due_date"),
        Figure(_("Overdue invoices"), counts["overdue"], f"{url}?payment=overdue"),
        Figure(_("Invoices to verify"), counts["to_verify"], f"{url}?approval=to_verify"),
    ]


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices On-Line")

    def ready(self) -> None:
        from portal.applications import App, register_home_figures
        from portal.references import register_reference

        register_reference(App.INVOICES, resolve_invoice)
        register_home_figures(App.INVOICES, home_figures)
