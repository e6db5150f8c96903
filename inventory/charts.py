"""The inventory list's chart: maintenance and lease coverage ending per month, for the
next 12 months, over the list's own selection (`inventory.selectors.filtered_items`).

An item's maintenance coverage ends when the later of its warranty and its maintenance
contract in force ends (the date from which nothing covers it: the list's "Maintenance"
column); its lease at its lease end. Both are counted from today on, per calendar month
(this month first).
"""

from collections import Counter
from datetime import date

from django.db.models import Case, Count, DateField, F, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils.translation import gettext as _

from contracts.models import IN_FORCE
from portal.charts import (
    Chart,
    Series,
    add_months,
    bar_chart,
    cached_figures,
    month_categories,
    months_ahead,
)


def _month(value) -> date:
    return value.date() if hasattr(value, "date") else value


FAR_PAST = date(1900, 1, 1)  # stands for "no coverage" in GREATEST (NULL-safe on SQLite)


def coverage_end():
    """The last day an item is covered, as a database expression."""
    contract = Case(
        When(
            maintenance_contract__status__in=IN_FORCE,
            then=F("maintenance_contract__end_date"),
        ),
        default=Value(FAR_PAST),
        output_field=DateField(),
    )
    warranty = Coalesce(F("warranty_end"), Value(FAR_PAST), output_field=DateField())
    return Greatest(Coalesce(contract, Value(FAR_PAST), output_field=DateField()), warranty)


def endings_by_month(items, today: date) -> dict[str, Counter]:
    """{"maintenance"|"lease": Counter(month -> items)}: two grouped queries."""
    until = add_months(today, 12)
    items = items.order_by()
    maintenance = (
        items.annotate(covered_until=coverage_end())
        .filter(covered_until__gte=today, covered_until__lt=until)
        .annotate(month=TruncMonth("covered_until"))
        .values_list("month")
        .annotate(n=Count("id"))
    )
    leases = (
        items.filter(lease_end__gte=today, lease_end__lt=until)
        .annotate(month=TruncMonth("lease_end"))
        .values_list("month")
        .annotate(n=Count("id"))
    )
    return {
        "maintenance": Counter({_month(m): n for m, n in maintenance}),
        "lease": Counter({_month(m): n for m, n in leases}),
    }


def endings_chart(items, today: date, *, with_leases: bool, request=None) -> Chart:
    """With `request`, the figures are kept per company and filters
    (`portal.charts.cached_figures`)."""
    months = months_ahead(today)
    if request is not None:
        counts = cached_figures(
            request, "inventory-endings", today, lambda: endings_by_month(items, today)
        )
    else:
        counts = endings_by_month(items, today)
    series = [Series(_("Maintenance coverage ending"), [counts["maintenance"][m] for m in months])]
    if with_leases:
        series.append(Series(_("Leases ending"), [counts["lease"][m] for m in months]))
    return bar_chart(
        title=_("Coverage ending in the next 12 months"),
        description=(
            _(
                "Bars of the number of listed items whose maintenance coverage (warranty or "
                "contract) ends, and of those whose lease ends, in each month from %(first)s to %(last)s. The "
                "figures follow in a table."
            )
            if with_leases
            else _(
                "Bars of the number of listed items whose maintenance coverage (warranty or "
                "contract) ends in each month from %(first)s to %(last)s. The figures follow in a table."
            )
        )
        % {"first": month_categories(months)[0][1], "last": month_categories(months)[-1][1]},
        categories=month_categories(months),
        series=series,
        kind="count",
        category_title=_("Month"),
    )
