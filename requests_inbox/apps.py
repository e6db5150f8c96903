from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsInboxConfig(AppConfig):
    name = "requests_inbox"
    verbose_name = _("My requests")

    def ready(self) -> None:
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.notify import register_secret_maker
        from requests_inbox.figures import home_figures
        from requests_inbox.jobs import KINDS
        from requests_inbox.services import REPLY_ADDRESS, reply_address_secrets

        register_secret_maker(REPLY_ADDRESS, reply_address_secrets)
        for kind in KINDS:
            register_job(kind)

        register_home_figures(App.REQUESTS, home_figures)
