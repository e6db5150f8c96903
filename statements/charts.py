"""The charts of Statements OnLine, read from the same ledger as its tables.

* the account list: each account's balance at the end of each of the last 12 months,
  one chart per currency; the last point is the balance the list shows
  (`account_balances`: the sum of the ledger's signed amounts);
* a statement: its ageing as bars, the very buckets of the ageing table.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from portal.charts import (
    Chart,
    Series,
    Sparkline,
    bar_chart,
    line_chart,
    month_categories,
    months_back,
    sparkline,
)
from portal.company_cache import company_cached
from portal.money import format_money
from statements.ledger import Ageing, money
from statements.models import LedgerEntry
from statements.statement import account_balances

MAX_LINES = 5  # accounts drawn per currency (the palette's colours); the table lists all


def monthly_balances(company, today: date) -> dict[tuple[int, str], list[Decimal]]:
    """Per (account id, currency): the balance at the end of each of the last 12 months
    (this month: as the ledger stands, like the list). Two grouped queries."""
    months = months_back(today)
    entries = LedgerEntry.objects.for_company(company).order_by()

    def read() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        before = list(
            entries.filter(date__lt=months[0])
            .values("billing_account_id", "currency")
            .annotate(amount=Sum("signed_amount"))
        )
        during = list(
            entries.filter(date__gte=months[0])
            .annotate(month=TruncMonth("date"))
            .values("billing_account_id", "currency", "month")
            .annotate(amount=Sum("signed_amount"))
        )
        return before, during

    before, during = company_cached(company.pk, f"statement-balance-history:{today}", read)
    opening: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in before:
        opening[(row["billing_account_id"], row["currency"])] += money(row["amount"])
    moves: dict[tuple[int, str], dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in during:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        # entries dated after this month count in this month (the list's balance has them)
        moves[(row["billing_account_id"], row["currency"])][min(month, months[-1])] += money(
            row["amount"]
        )
    result = {}
    for key in set(opening) | set(moves):
        balance, points = opening[key], []
        for month in months:
            balance += moves[key][month]
            points.append(money(balance))
        result[key] = points
    return result


def balance_charts(company, today: date) -> list[Chart]:
    """One line chart per currency: the balance of its accounts, month by month."""
    history = monthly_balances(company, today)
    categories = month_categories(months_back(today))
    by_currency: dict[str, list[Series]] = defaultdict(list)
    for row in account_balances(company):
        points = history.get((row["account"].pk, row["currency"]), [money(0)] * len(categories))
        by_currency[row["currency"]].append(Series(row["account"].number, points))
    charts = []
    for currency, series in sorted(by_currency.items()):
        shown = sorted(series, key=lambda s: -abs(s.values[-1]))[:MAX_LINES]
        shown.sort(key=lambda s: s.label)
        description = _(
            "The balance of each billing account in %(currency)s at the end of each of the "
            "last 12 months, from %(first)s to %(last)s. The figures follow in a table."
        ) % {"currency": currency, "first": categories[0][1], "last": categories[-1][1]}
        if len(series) > len(shown):
            description += " " + _("The %(n)s accounts with the largest balances are drawn.") % {
                "n": len(shown)
            }
        charts.append(
            line_chart(
                title=_("Balance over the last 12 months (%(currency)s)") % {"currency": currency},
                description=description,
                categories=categories,
                series=shown,
                kind="money",
                currency=currency,
                category_title=_("Month"),
            )
        )
    return charts


def balance_trend(company, currency: str, today: date) -> Sparkline | None:
    """The home tile's line: the balance in `currency` (all accounts) over 12 months."""
    history = [
        points
        for (_account, code), points in monthly_balances(company, today).items()
        if code == currency
    ]
    if not history:
        return None
    totals = [sum(month, Decimal("0.00")) for month in zip(*history, strict=True)]
    months = months_back(today)
    return sparkline(
        totals,
        summary=_(
            "Balance trend: %(first)s at the end of %(first_month)s, %(last)s in %(last_month)s"
        )
        % {
            "first": format_money(totals[0], currency),
            "first_month": month_categories(months)[0][1],
            "last": format_money(totals[-1], currency),
            "last_month": month_categories(months)[-1][1],
        },
    )


AXIS_LABELS = {
    "not_due": lambda: _("Not due"),
    "1_30": lambda: _("1–30 days"),
    "31_60": lambda: _("31–60 days"),
    "61_90": lambda: _("61–90 days"),
    "over_90": lambda: _("> 90 days"),
}


def ageing_chart(ageing: Ageing, currency: str) -> Chart:
    """The ageing table's buckets as bars (what is open, by days overdue)."""
    buckets = ageing.buckets
    return bar_chart(
        title=_("What is open, by days overdue (%(currency)s)") % {"currency": currency},
        description=_(
            "Bars of the open invoice amounts in %(currency)s: not yet due, then 1 to 30, "
            "31 to 60, 61 to 90 and over 90 days overdue. The figures follow in a table."
        )
        % {"currency": currency},
        categories=[(AXIS_LABELS[key](), label) for key, label, _amount in buckets],
        series=[Series(_("Open amount"), [amount for _key, _label, amount in buckets])],
        kind="money",
        currency=currency,
        category_title=_("Ageing"),
    )
