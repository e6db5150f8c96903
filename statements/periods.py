"""Statement periods: the presets a user picks (this month, last quarter, ...) as dates.

Quarters and years are calendar ones; the end of "this month/quarter/year" is the
end of that calendar unit, not today, so a statement printed mid-month is the
same document whatever the day (later documents simply are not there yet).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

PRESETS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("this_year", _("This year")),
    ("last_year", _("Last year")),
    ("custom", _("Custom dates")),
]
DEFAULT_PRESET = "this_year"
MAX_SPAN_DAYS = 366 * 10
EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str = "custom"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, nxt - timedelta(days=1)


def previous_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return month_bounds(last.year, last.month)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    _s, end = month_bounds(year, 3 * quarter)
    return start, end


def preset_period(preset: str, today: date) -> Period:
    """The dates of a preset; unknown presets fall back to the default one."""
    quarter = (today.month - 1) // 3 + 1
    if preset == "this_month":
        start, end = month_bounds(today.year, today.month)
    elif preset == "last_month":
        start, end = previous_month(today)
    elif preset == "this_quarter":
        start, end = quarter_bounds(today.year, quarter)
    elif preset == "last_quarter":
        year, q = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
        start, end = quarter_bounds(year, q)
    elif preset == "last_year":
        start, end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    else:
        preset = "this_year"
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return Period(start, end, preset)
