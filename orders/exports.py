"""The columns of the order spreadsheets: the list's download, its background job, and
every report (page, CSV, XLSX, PDF, e-mailed files)."""

import functools

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from orders.models import LineStatus, Order, OrderLine, OrderStatus
from portal.exports import Column


@functools.cache
def _label(choices: type, value: str, language: str | None) -> str:
    """A status label in the active language, computed once per value (exports run per row)."""
    return str(dict(choices.choices).get(value, value))


def order_status(order: Order) -> str:
    return _label(OrderStatus, order.status, translation.get_language())


def line_status(line: OrderLine) -> str:
    return _label(LineStatus, line.status, translation.get_language())


ORDER_COLUMNS = [
    Column(_("Order number"), lambda o: o.number),
    Column(_("PO number"), lambda o: o.customer_po),
    Column(_("Ordered on"), lambda o: o.ordered_on),
    Column(_("Status"), order_status),
    Column(_("Country"), lambda o: o.country.localized_name()),
    Column(_("Ship-to site"), lambda o: str(o.ship_to) if o.ship_to_id else ""),
    Column(_("Currency"), lambda o: o.currency),
    Column(_("Total"), lambda o: o.total),
]
LINE_COLUMNS = [
    Column(_("Order number"), lambda line: line.order.number),
    Column(_("PO number"), lambda line: line.order.customer_po),
    Column(_("Line"), lambda line: line.position),
    Column(_("Part number"), lambda line: line.part_number),
    Column(_("Description"), lambda line: line.description),
    Column(_("Quantity"), lambda line: line.quantity),
    Column(_("Line status"), line_status),
    Column(_("Planned shipping"), lambda line: line.planned_ship_on),
    Column(_("Planned delivery"), lambda line: line.planned_delivery_on),
]
