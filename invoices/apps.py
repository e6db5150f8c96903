from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def resolve_invoice(company: Any, text: str) -> Any:
    from invoices.models import Invoice

    return Invoice.objects.for_company(company).filter(number=text).first()


def home_figures(company: Any, user: Any) -> list:
    """Open (to pay) and overdue counts, then the to-verify count: two index-only
    counts (one aggregate with three filters read every invoice of the company)."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from invoices.models import UNPAID, ApprovalStatus, Invoice, PaymentStatus
    from portal.applications import Figure

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


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices On-Line")

    def ready(self) -> None:
        from invoices.jobs import KINDS
        from invoices.services import SHARE_LINK, share_link_secrets
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.notify import register_secret_maker
        from portal.references import register_reference

        register_secret_maker(SHARE_LINK, share_link_secrets)

        register_reference(App.INVOICES, resolve_invoice)
        for kind in KINDS:
            register_job(kind)
        register_home_figures(App.INVOICES, home_figures)
