"""The charts of My requests for company administrators: requests per month and the
share answered within the promised business day, over the list's own selection
(`requests_inbox.jobs.filter_requests`), for the last 12 months.

"Answered within the promise" is the team lead's rule (`desk_figures`): the first public
answer of customer service came at most one business day (company country's calendar)
after submission. The share is of the month's requests answered so far.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.charts import (
    Chart,
    Series,
    bar_chart,
    cached_figures,
    line_chart,
    month_categories,
    months_back,
)
from requests_inbox.services import answer_due


@dataclass
class Month:
    received: int = 0
    answered: int = 0
    within_promise: int = 0

    @property
    def share(self) -> float | None:
        return round(100 * self.within_promise / self.answered, 1) if self.answered else None


def per_month(selection, company, today: date) -> dict[date, Month]:
    """The selection's requests of the last 12 months, by local month of submission."""
    months = months_back(today)
    result = {m: Month() for m in months}
    since = timezone.make_aware(timezone.datetime.combine(months[0], timezone.datetime.min.time()))
    rows = (
        selection.order_by()
        .filter(created_at__gte=since)
        .annotate(
            first_answer=Min(
                "messages__created_at",
                filter=Q(messages__is_agent=True, messages__internal=False),
            )
        )
        .values_list("created_at", "first_answer")
    )
    for created, first_answer in rows:
        month = timezone.localtime(created).date().replace(day=1)
        if month not in result:
            continue
        row = result[month]
        row.received += 1
        if first_answer is not None:
            row.answered += 1
            if first_answer <= answer_due(company, created):
                row.within_promise += 1
    return result


def request_charts(selection, company, today: date, *, request=None) -> list[Chart]:
    """With `request`, the figures (a Python pass over the year's requests) are kept per
    company and filters (`portal.charts.cached_figures`)."""
    months = months_back(today)
    if request is not None:
        figures = cached_figures(
            request, "requests", today, lambda: per_month(selection, company, today)
        )
    else:
        figures = per_month(selection, company, today)
    categories = month_categories(months)
    span = {"first": categories[0][1], "last": categories[-1][1]}
    return [
        bar_chart(
            title=_("Requests per month"),
            description=_(
                "Bars of the number of listed requests sent in each month from %(first)s to "
                "%(last)s. The figures follow in a table."
            )
            % span,
            categories=categories,
            series=[Series(_("Requests"), [figures[m].received for m in months])],
            kind="count",
            category_title=_("Month"),
        ),
        line_chart(
            title=_("Share answered within one business day"),
            description=_(
                "A line of the percentage of the month's answered requests whose first "
                "answer came within one business day, from %(first)s to %(last)s; months "
                "without an answer have no point. The figures follow in a table."
            )
            % span,
            categories=categories,
            series=[Series(_("Within one business day"), [figures[m].share for m in months])],
            kind="percent",
            category_title=_("Month"),
        ),
    ]
