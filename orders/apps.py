from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Order Status Online")

    def ready(self) -> None:
        from orders.figures import home_figures, resolve_order
        from orders.jobs import KINDS
        from portal.applications import App, register_home_figures
        from portal.jobs import register_job
        from portal.references import register_reference

        register_reference("orders", resolve_order)
        for kind in KINDS:
            register_job(kind)
        register_home_figures(App.ORDERS, home_figures)
