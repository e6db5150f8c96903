"""The team lead's figures: received and answered per day, the promise kept, satisfaction,
backlog per agent and per country. Reads only; every figure is derived from the rows.

"Answered" is the first public answer of customer service; "within the promise" compares
it with one business day after submission in the company country's calendar (the due
time as first promised, whatever happened to `due_at` later).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from portal.models import Country
from requests_inbox.models import WAITING_FOR_AGENT, Rating, Request
from requests_inbox.services import answer_due

DEFAULT_DAYS = 14


@dataclass
class Day:
    day: date
    received: int = 0
    answered: int = 0
    within_promise: int = 0

    @property
    def share_within_promise(self) -> float | None:
        return round(100 * self.within_promise / self.answered, 1) if self.answered else None


@dataclass
class DeskFigures:
    start: date
    end: date
    days: list[Day]
    received: int
    answered: int
    within_promise: int
    good: int
    bad: int
    backlog_by_agent: list[tuple[str, int]] = field(default_factory=list)
    backlog_by_country: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share_within_promise(self) -> float | None:
        return round(100 * self.within_promise / self.answered, 1) if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        rated = self.good + self.bad
        return round(100 * self.good / rated, 1) if rated else None


def _local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def desk_figures(*, end: date | None = None, days: int = DEFAULT_DAYS) -> DeskFigures:
    end = end or timezone.localdate()
    start = end - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    per_day = {start + timedelta(days=i): Day(start + timedelta(days=i)) for i in range(days)}

    received = Request.objects.filter(created_at__gte=since, created_at__lt=until)
    for created in received.values_list("created_at", flat=True):
        per_day[_local_day(created)].received += 1

    answered = (
        Request.objects.annotate(
            first_answer=Min(
                "messages__created_at",
                filter=Q(messages__is_agent=True, messages__internal=False),
            )
        )
        .filter(first_answer__gte=since, first_answer__lt=until)
        .select_related("company__country")
    )
    for request in answered:
        day = per_day[_local_day(request.first_answer)]
        day.answered += 1
        if request.first_answer <= answer_due(request.company, request.created_at):
            day.within_promise += 1

    ratings = Counter(
        Request.objects.filter(rated_at__gte=since, rated_at__lt=until).values_list(
            "rating", flat=True
        )
    )
    waiting = Request.objects.filter(status__in=WAITING_FOR_AGENT)
    by_agent = [
        (
            " ".join(filter(None, [row["assignee__first_name"], row["assignee__last_name"]]))
            or row["assignee__email"]
            or "",
            row["n"],
        )
        for row in waiting.values("assignee__first_name", "assignee__last_name", "assignee__email")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__email")
    ]
    # the country's name in the reader's language (Allemagne, not Germany, for a French agent)
    by_country = [
        (
            Country(
                name=row["company__country__name"], name_fr=row["company__country__name_fr"]
            ).localized_name(),
            row["n"],
        )
        for row in waiting.values("company__country__name", "company__country__name_fr")
        .annotate(n=Count("id"))
        .order_by("-n", "company__country__name")
    ]
    rows = list(per_day.values())
    return DeskFigures(
        start=start,
        end=end,
        days=rows,
        received=sum(d.received for d in rows),
        answered=sum(d.answered for d in rows),
        within_promise=sum(d.within_promise for d in rows),
        good=ratings.get(Rating.GOOD, 0),
        bad=ratings.get(Rating.BAD, 0),
        backlog_by_agent=by_agent,
        backlog_by_country=by_country,
    )
