from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory and maintenance")

    def ready(self) -> None:
        from inventory.figures import home_figures, resolve_serial
        from inventory.jobs import KINDS
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.references import register_reference

        register_home_figures(App.INVENTORY, home_figures)
        for kind in KINDS:
            register_job(kind)
        register_reference("inventory", resolve_serial)
