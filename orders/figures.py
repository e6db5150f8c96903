"""What Order Status Online shows elsewhere: home-page figures and the reference resolver."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from orders.models import Order, Shipment
from portal.applications import Figure
from portal.models import Company, User


def resolve_order(company: Company, text: str) -> Order | None:
    """ "Order 123" typed in Write to us: the company's order with that number, or None."""
    return Order.objects.for_company(company).filter(number=text.strip()).first()


def home_figures(company: Company, user: User) -> list[Figure]:
    """Two cheap counts: open orders and orders shipped in the last 30 days."""
    since = timezone.localdate() - datetime.timedelta(days=30)
    orders = Order.objects.for_company(company)
    return [
        Figure(
            _("Open orders"),
            orders.open().count(),
            f"{reverse('orders:list')}?{urlencode({'status': 'open'})}",
        ),
        Figure(
            _("Shipped in the last 30 days"),
            Shipment.objects.for_company(company)
            .filter(shipped_on__gte=since)
            .values("order_id")
            .distinct()
            .count(),
            reverse("orders:report", kwargs={"key": "shipped-last-30-days"}),
        ),
    ]
