from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = _("Statements OnLine")

    def ready(self) -> None:
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.references import register_reference
        from statements.figures import home_figures
        from statements.jobs import KINDS
        from statements.models import CreditNote, Payment

        register_home_figures(App.STATEMENTS, home_figures)
        for kind in KINDS:
            register_job(kind)
        register_reference(
            "credit_notes",
            lambda company, text: (
                CreditNote.objects.for_company(company).filter(number=text).first()
            ),
        )
        register_reference(
            "payments",
            lambda company, text: (
                Payment.objects.for_company(company).filter(reference=text).first()
            ),
        )
