from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def resolve_invoice(company: Any, text: str) -> Any:
    from invoices.models import Invoice

    return Invoice.objects.for_company(company).filter(number=text).first()


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices On-Line")

    def ready(self) -> None:
        from invoices.copies import SHARE_LINK, share_link_secrets
        from invoices.figures import home_figures
        from invoices.jobs import KINDS
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.notify import register_secret_maker
        from portal.references import register_reference

        register_secret_maker(SHARE_LINK, share_link_secrets)

        register_reference(App.INVOICES, resolve_invoice)
        for kind in KINDS:
            register_job(kind)
        register_home_figures(App.INVOICES, home_figures)
