"""The Statements tile on the home page: the balance due in each currency (one query).

Open-item counts are left out on purpose: they need what is open on every invoice.
"""

from django.db.models import Sum
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal.applications import Figure
from statements.ledger import money
from statements.models import LedgerEntry

MAX_CURRENCIES = 3


def home_figures(company, user) -> list[Figure]:
    rows = list(
        LedgerEntry.objects.for_company(company)
        .values("currency")
        .annotate(balance=Sum("signed_amount"))
        .order_by("currency")[:MAX_CURRENCIES]
    )  # kept with the other home figures (portal.applications.home_figures)
    url = reverse("statements:list")
    if not rows:
        return [Figure(_("Balance"), 0, url)]
    return [
        Figure(
            _("Balance (%(currency)s)") % {"currency": row["currency"]},
            f"{number_format(money(row['balance']), 2, force_grouping=True)} {row['currency']}",
            url,
        )
        for row in rows
    ]
