from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer Service Online")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.db.models.signals import post_migrate

        from portal import security_events  # noqa: F401  (connects the signal receivers)
        from portal.accounts import (
            EMAIL_CONFIRMATION,
            PASSWORD_RESET,
            email_confirmation_secrets,
            password_reset_secrets,
            second_factor_added,
        )
        from portal.notify import register_secret_maker

        authenticator_added.connect(second_factor_added, dispatch_uid="portal.mfa_added")

        register_secret_maker(PASSWORD_RESET, password_reset_secrets)
        register_secret_maker(EMAIL_CONFIRMATION, email_confirmation_secrets)

        post_migrate.connect(_refresh_agent_group, dispatch_uid="portal.agent_group")

        from django.db.models.signals import post_delete, post_save

        from portal.company_cache import company_row_saved

        post_save.connect(company_row_saved, dispatch_uid="portal.figures.save")
        post_delete.connect(company_row_saved, dispatch_uid="portal.figures.delete")

        from portal.identity import shared_row_saved, user_row_saved
        from portal.models import Authorization, Company, Country, Membership, User

        models: tuple[type[Any], ...] = (User, Membership, Authorization)
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    user_row_saved, sender=model, dispatch_uid=f"identity.{model.__name__}"
                )
        for model in (Company, Country):
            for signal in (post_save, post_delete):
                signal.connect(
                    shared_row_saved, sender=model, dispatch_uid=f"identity.{model.__name__}"
                )


def _refresh_agent_group(sender, **kwargs) -> None:
    """After migrate, the agents' group gets exactly the permissions they need. Django
    creates each app's permissions in that app's post_migrate, so the group is refreshed
    after each of the apps it covers (idempotent, a few queries)."""
    from portal.agents import APPLICATION_LABELS, ensure_agent_group

    if sender.label in {"portal", *APPLICATION_LABELS}:
        ensure_agent_group()
