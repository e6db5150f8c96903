"""The invoice list's chart: the open amount of the selection by due month, due vs overdue.

It reads the list's own selection (the same filters), so per currency the bars add up
to the "Open amount" of the totals table: what is overdue (`Invoice.objects.overdue()`)
in one colour, the rest of the open amount in the other. Months before the 12 drawn
(six back, five ahead) are summed in an "Earlier" bar, months after in a "Later" one.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from invoices.models import UNPAID, PaymentStatus
from portal.charts import Chart, Series, add_months, bar_chart, cached_figures, month_categories

BACK, AHEAD = 6, 5
CENT = Decimal("0.01")


def _month(value) -> date:
    return value.date() if hasattr(value, "date") else value


def due_by_month(selection, today: date) -> dict[str, dict[str, dict[date, Decimal]]]:
    """{currency: {"due"|"overdue": {month: open amount}}}, in one grouped query."""
    overdue = Q(payment_status__in=UNPAID) & (
        Q(payment_status=PaymentStatus.OVERDUE) | Q(due_date__lt=today)
    )
    open_amount = F("total") - F("amount_paid")
    rows = (
        selection.order_by()
        .annotate(month=TruncMonth("due_date"))
        .values("currency", "month")
        .annotate(
            overdue=Sum(open_amount, filter=overdue),
            due=Sum(open_amount, filter=~overdue),
        )
        .order_by("currency", "month")
    )
    result: dict[str, dict[str, dict[date, Decimal]]] = defaultdict(
        lambda: {"due": defaultdict(Decimal), "overdue": defaultdict(Decimal)}
    )
    for row in rows:
        for key in ("due", "overdue"):
            amount = Decimal(str(row[key] or 0)).quantize(CENT)
            result[row["currency"]][key][_month(row["month"])] += amount
    return {
        currency: {k: dict(v) for k, v in amounts.items()} for currency, amounts in result.items()
    }


def due_charts(selection, today: date, *, request=None) -> list[Chart]:
    """One stacked bar chart per currency of the selection; with `request`, the figures
    are kept per company and filters (`portal.charts.cached_figures`)."""
    first, last = add_months(today, -BACK), add_months(today, AHEAD)
    months = [add_months(first, i) for i in range(BACK + AHEAD + 1)]
    charts = []
    if request is not None:
        figures = cached_figures(
            request, "invoices-due", today, lambda: due_by_month(selection, today)
        )
    else:
        figures = due_by_month(selection, today)
    for currency, amounts in sorted(figures.items()):
        categories = month_categories(months)
        columns: dict[str, list[Decimal]] = {}
        for key in ("due", "overdue"):
            per_month = amounts[key]
            columns[key] = [per_month.get(m, Decimal("0.00")) for m in months]
            earlier = sum((v for m, v in per_month.items() if m < first), Decimal("0.00"))
            later = sum((v for m, v in per_month.items() if m > last), Decimal("0.00"))
            columns[f"{key}-earlier"], columns[f"{key}-later"] = [earlier], [later]
        if columns["due-earlier"][0] or columns["overdue-earlier"][0]:
            categories.insert(
                0, (_("Earlier"), _("Due before %(month)s") % {"month": categories[0][1]})
            )
            for key in ("due", "overdue"):
                columns[key].insert(0, columns[f"{key}-earlier"][0])
        if columns["due-later"][0] or columns["overdue-later"][0]:
            categories.append((_("Later"), _("Due after %(month)s") % {"month": categories[-1][1]}))
            for key in ("due", "overdue"):
                columns[key].append(columns[f"{key}-later"][0])
        charts.append(
            bar_chart(
                title=_("Open amount by due month (%(currency)s)") % {"currency": currency},
                description=_(
                    "Stacked bars of the open amount of the selected invoices in %(currency)s "
                    "per month of their due date: not yet overdue, then overdue on top. Together they "
                    "make the open amount of the totals table. The figures follow in a table."
                )
                % {"currency": currency},
                categories=categories,
                series=[
                    Series(_("Not yet overdue"), columns["due"]),
                    Series(_("Overdue"), columns["overdue"]),
                ],
                stacked=True,
                kind="money",
                currency=currency,
                total_label=_("Open amount"),
                category_title=_("Due month"),
            )
        )
    return charts
