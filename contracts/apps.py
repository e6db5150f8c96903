from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts OnLine")

    def ready(self) -> None:
        from contracts.figures import home_figures
        from contracts.jobs import KINDS
        from contracts.models import Contract
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.references import register_reference

        for kind in KINDS:
            register_job(kind)

        register_reference(
            "contracts",
            lambda company, text: Contract.objects.for_company(company).filter(number=text).first(),
        )

        register_home_figures(App.CONTRACTS, home_figures)
