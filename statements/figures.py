"""The Statements tile on the home page: the balance due in each currency.

Open-item counts are left out on purpose: they need what is open on every invoice.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.models import Invoice
from portal.applications import Figure
from portal.money import format_money
from statements.ledger import money
from statements.models import CreditNote, Payment

MAX_CURRENCIES = 3


def balances(company) -> dict[str, Decimal]:
    """The sum of the ledger's signed amounts per currency (invoices less credit notes
    less received payments), read from the three tables rather than through the
    ledger view: three grouped sums the indexes answer alone."""
    result: dict[str, Decimal] = defaultdict(Decimal)
    sources = [
        (Invoice.objects.for_company(company), "total", 1),
        (CreditNote.objects.for_company(company), "amount", -1),
        (Payment.objects.for_company(company).received(), "amount", -1),
    ]
    for queryset, field, sign in sources:
        rows = queryset.order_by().values_list("currency").annotate(s=Sum(field))
        for currency, amount in rows:
            result[currency] += sign * (amount or 0)
    return dict(result)


def home_figures(company, user) -> list[Figure]:
    # kept with the other home figures (portal.applications.home_figures)
    from statements.charts import balance_trend

    rows = sorted(balances(company).items())[:MAX_CURRENCIES]
    url = reverse("statements:list")
    if not rows:
        return [Figure(_("Balance"), 0, url)]
    return [
        Figure(
            _("Balance (%(currency)s)") % {"currency": currency},
            format_money(money(balance), currency),
            url,
            trend=balance_trend(company, currency, timezone.localdate()),
        )
        for currency, balance in rows
    ]
