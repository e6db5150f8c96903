from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer Service Online")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from portal import security_events  # noqa: F401  (connects the signal receivers)

        post_migrate.connect(_refresh_agent_group, dispatch_uid="portal.agent_group")

        from django.db.models.signals import post_delete, post_save

        from portal.company_cache import company_row_saved

        post_save.connect(company_row_saved, dispatch_uid="portal.figures.save")
        post_delete.connect(company_row_saved, dispatch_uid="portal.figures.delete")


def _refresh_agent_group(sender, **kwargs) -> None:
    """After migrate, the agents' group gets exactly the permissions they need. Django
    creates each app's permissions in that app's post_migrate, so the group is refreshed
    after each of the apps it covers (idempotent, a few queries)."""
    from portal.agents import APPLICATION_LABELS, ensure_agent_group

    if sender.label in {"portal", *APPLICATION_LABELS}:
        ensure_agent_group()
