from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts OnLine")

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.http import urlencode

        from contracts.jobs import KINDS
        from contracts.models import Contract
        from portal.applications import App, Figure, register_home_figures
        from portal.jobs import register_job
        from portal.references import register_reference

        for kind in KINDS:
            register_job(kind)

        register_reference(
            "contracts",
            lambda company, text: Contract.objects.for_company(company).filter(number=text).first(),
        )

        def figures(company, user) -> list[Figure]:
            scoped = Contract.objects.for_company(company)
            mine = scoped.needing_action_by(user).count()
            expiring = scoped.expiring_within(90).count()
            return [
                Figure(_("Contracts needing my action"), mine, reverse("contracts:needs_action")),
                Figure(
                    _("Contracts expiring within 90 days"),
                    expiring,
                    reverse("contracts:list") + "?" + urlencode({"expiring_within": 90}),
                ),
            ]

        register_home_figures(App.CONTRACTS, figures)
