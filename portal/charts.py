"""Charts drawn on the server as SVG: bars (grouped or stacked), lines and sparklines.

An app's `<app>/charts.py` reads its figures through the same selector as the table the
chart summarises and hands them to `bar_chart`, `line_chart` or `sparkline`; this module
only computes geometry (where each bar, point and grid line goes) and the templates under
`templates/portal/charts/` draw it. No JavaScript and no style attribute (the CSP forbids
them): colours come from classes in `static/css/charts.css`, so a chart prints and follows
the portal's palette. Every chart is an `<svg role="img">` with `<title>`/`<desc>`, each
bar or point has its own `<title>` (the tooltip), and a table with the same figures
follows for screen readers (and for the tests: the bars are the table's numbers).

Hand-written rather than a library: pygal (the only maintained server-side SVG charting
package at hand) writes `<style>` elements and inline styles that our CSP blocks, formats
numbers itself rather than in the reader's language, and leaves no text alternative; the
geometry here is a hundred lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from django.http import HttpRequest
from django.utils import formats, timezone, translation

from portal.company_cache import company_cached, selection_key
from portal.money import format_money, format_number

# A full chart is as wide as its container and HEIGHT pixels high, with no viewBox: x
# positions are percentages of the width, y positions pixels, so the text keeps its size
# on a phone and on paper (a scaled viewBox would shrink it to nothing on a phone).
WIDTH = 100  # percent
HEIGHT = 240
LEFT = 13  # percent: room for the value axis labels
RIGHT = 1
TOP = 12
BOTTOM = 36  # pixels: room for the category labels
SPARK_WIDTH = 120
SPARK_HEIGHT = 28

_ids = count(1)


def _chart_id(prefix: str) -> str:
    """Unique within a page: several charts on one page each label their own SVG."""
    return f"{prefix}-{next(_ids)}"


def cached_figures(request: HttpRequest, name: str, today: date, compute: Callable[[], Any]) -> Any:
    """A list chart's figures (never its text: that is in the reader's language), kept per
    company by `portal.company_cache` for the list's filters (not its page or sort), today's
    date and the reader's time zone: a row of the company saved shows on the next page.
    The value must pickle (plain dicts, no lambda defaults)."""
    key = (
        f"chart:{name}:{today.isoformat()}:{timezone.get_current_timezone_name()}:"
        f"{selection_key(request)}"
    )
    return company_cached(request.company.pk, key, compute)  # type: ignore[attr-defined]


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_back(today: date, n: int = 12) -> list[date]:
    """The first days of the last `n` months, this month last."""
    return [add_months(today, i) for i in range(-(n - 1), 1)]


def months_ahead(today: date, n: int = 12) -> list[date]:
    """The first days of this month and the `n - 1` following ones."""
    return [add_months(today, i) for i in range(n)]


def month_categories(months: Sequence[date]) -> list[tuple[str, str, str]]:
    """Axis label ('Jan' / 'janv.'), table row header ('January 2026' / 'janvier 2026')
    and, under the first month and every January, the year."""
    return [
        (
            formats.date_format(day, short_month_format()),
            month_name(day),
            str(day.year) if i == 0 or day.month == 1 else "",
        )
        for i, day in enumerate(months)
    ]


def short_month_format() -> str:
    """One short form per language: English "Jan, Feb, Mar" ("N" mixes "June" and "Sept."),
    French "janv., févr., mars" ("M" would print "jui" for both June and July)."""
    return "M" if (translation.get_language() or "en").startswith("en") else "N"


def month_name(day: date) -> str:
    """'January 2026' / 'janvier 2026': the table's row header."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def nice_ticks(low: float, high: float, wanted: int = 4, *, whole: bool = False) -> list[float]:
    """Round grid values covering [low, high], 0 included (steps of 1, 2, 2.5 or 5 × 10ⁿ;
    `whole`: whole steps only, for counts)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / wanted
    if whole:
        raw = max(raw, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if whole and magnitude == 1 else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in multiples if m * magnitude >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    n = round((last - first) / step)
    return [first + i * step for i in range(n + 1)]


def value_formatter(kind: str, currency: str = "") -> Callable[[Any], str]:
    """How the chart's figures read: the portal's money and number formats."""
    if kind == "money":
        return lambda value: format_money(value, currency)
    if kind == "percent":
        return lambda value: "—" if value is None else f"{format_number(value, 1)} %"
    return lambda value: format_number(value, 0)


def _axis_formatter(kind: str) -> Callable[[float], str]:
    """Grid labels: whole numbers (no currency: the chart's description names it)."""
    if kind == "percent":
        return lambda value: f"{format_number(value, 0)} %"
    return lambda value: format_number(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Any]


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Tick:
    y: float
    label: str
    zero: bool


@dataclass
class Category:
    label: str
    name: str  # the table's row header (a longer form of the label)
    x: float  # the centre of the category
    sublabel: str = ""  # a second axis line (the year under January)
    alternate: bool = False  # every other label, left out on a narrow screen
    values: list[str] = field(default_factory=list)  # formatted, one per series
    numbers: list[Any] = field(default_factory=list)  # the same, unformatted
    total: str = ""
    rects: list[Rect] = field(default_factory=list)


@dataclass
class Chart:
    """What the templates draw. `kind` picks the template (bars, line)."""

    id: str
    kind: str
    title: str
    description: str
    series: list[str]
    categories: list[Category]
    ticks: list[Tick]
    height: int = HEIGHT
    left: float = LEFT
    tick_x: float = LEFT - 1.5
    plot_bottom: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 18
    show_total: bool = False
    total_label: str = ""
    category_title: str = ""  # the table's first column header ("Month")
    points: list[tuple[float, float, str, str]] = field(default_factory=list)  # line charts
    segments: list[tuple[str, float, float, float, float]] = field(default_factory=list)
    empty: bool = False

    @property
    def right(self) -> float:
        return WIDTH - RIGHT


def _scale(low: float, high: float) -> Callable[[float], float]:
    top, bottom = TOP, HEIGHT - BOTTOM
    span = (high - low) or 1.0
    return lambda value: bottom - (float(value) - low) / span * (bottom - top)


def _float(value: Any) -> float:
    return float(value or 0)


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[tuple[str, ...]],
    series: Sequence[Series],
    stacked: bool = False,
    kind: str = "count",
    currency: str = "",
    total_label: str = "",
    category_title: str = "",
) -> Chart:
    """Bars per category: side by side (grouped) or one on another (stacked).

    `categories` are (axis label, table row header); each series has one value per
    category. Stacked bars show their total in the table (`total_label` names it).
    """
    fmt = value_formatter(kind, currency)
    columns = [[_float(s.values[i]) for s in series] for i in range(len(categories))]
    if stacked:
        highs = [sum(v for v in col if v > 0) for col in columns]
        lows = [sum(v for v in col if v < 0) for col in columns]
    else:
        highs = [max(col, default=0) for col in columns]
        lows = [min(col, default=0) for col in columns]
    ticks = nice_ticks(min(lows, default=0), max(highs, default=0), whole=kind == "count")
    y = _scale(ticks[0], ticks[-1])
    axis = _axis_formatter(kind)
    slot = (WIDTH - RIGHT - LEFT) / max(len(categories), 1)
    bar_width = slot * 0.64 / (1 if stacked else max(len(series), 1))
    result = []
    for i, (label, name, *sub) in enumerate(categories):
        left = LEFT + i * slot + slot * 0.18
        cat = Category(
            label=label,
            name=name,
            sublabel=sub[0] if sub else "",
            x=round(LEFT + (i + 0.5) * slot, 2),
            alternate=i % 2 == 1,
            values=[fmt(s.values[i]) for s in series],
            numbers=[s.values[i] for s in series],
            total=fmt(sum(Decimal(str(s.values[i] or 0)) for s in series)) if stacked else "",
        )
        up = down = 0.0
        for j, s in enumerate(series):
            value = _float(s.values[i])
            if stacked:
                base = up if value >= 0 else down
                end = base + value
                if value >= 0:
                    up = end
                else:
                    down = end
                x = left
            else:
                base, end = 0.0, value
                x = left + j * bar_width
            top, bottom = sorted((y(base), y(end)))
            cat.rects.append(
                Rect(
                    x=round(x, 2),
                    y=round(top, 2),
                    width=round(bar_width, 2),
                    height=round(max(bottom - top, 0), 2),
                    css=f"chart__fill--{j}",
                    title=f"{name} · {s.label}: {fmt(s.values[i])}",
                )
            )
        result.append(cat)
    return Chart(
        id=_chart_id("chart"),
        kind="bars",
        title=title,
        description=description,
        series=[s.label for s in series],
        categories=result,
        ticks=[Tick(round(y(t), 2), axis(t), t == 0) for t in ticks],
        show_total=stacked and len(series) > 1,
        total_label=total_label,
        category_title=category_title,
        empty=not any(_float(v) for s in series for v in s.values),
    )


def line_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[tuple[str, ...]],
    series: Sequence[Series],
    kind: str = "count",
    currency: str = "",
    category_title: str = "",
) -> Chart:
    """One line per series across the categories (e.g. a balance month by month)."""
    fmt = value_formatter(kind, currency)
    values = [_float(v) for s in series for v in s.values if v is not None]
    ticks = nice_ticks(min(values, default=0), max(values, default=0), whole=kind == "count")
    y = _scale(ticks[0], ticks[-1])
    axis = _axis_formatter(kind)
    slot = (WIDTH - RIGHT - LEFT) / max(len(categories), 1)
    chart = Chart(
        id=_chart_id("chart"),
        kind="line",
        title=title,
        description=description,
        series=[s.label for s in series],
        categories=[
            Category(
                label=label,
                name=name,
                sublabel=sub[0] if sub else "",
                x=round(LEFT + (i + 0.5) * slot, 2),
                alternate=i % 2 == 1,
                values=[fmt(s.values[i]) for s in series],
                numbers=[s.values[i] for s in series],
            )
            for i, (label, name, *sub) in enumerate(categories)
        ],
        ticks=[Tick(round(y(t), 2), axis(t), t == 0) for t in ticks],
        empty=not values,
        category_title=category_title,
    )
    for j, s in enumerate(series):
        points = [
            (cat.x, round(y(v), 2), f"chart__stroke--{j}", f"{cat.name} · {s.label}: {fmt(v)}")
            for cat, v in zip(chart.categories, s.values, strict=True)
            if v is not None
        ]
        chart.points += points
        chart.segments += [
            (f"chart__stroke--{j}", x1, y1, x2, y2)
            for (x1, y1, *_a), (x2, y2, *_b) in zip(points, points[1:], strict=False)
        ]
    return chart


@dataclass
class Sparkline:
    """A small trend line for a home tile; `summary` is its text alternative."""

    id: str
    summary: str
    points: str
    last: tuple[float, float]
    direction: str  # up, down, flat
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(values: Sequence[Any], *, summary: str) -> Sparkline | None:
    """None when there is nothing to draw (fewer than two values)."""
    numbers = [_float(v) for v in values]
    if len(numbers) < 2:
        return None
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 4) / (len(numbers) - 1)
    points = [
        (round(2 + i * step, 2), round(SPARK_HEIGHT - 3 - (v - low) / span * (SPARK_HEIGHT - 6), 2))
        for i, v in enumerate(numbers)
    ]
    first, last = numbers[0], numbers[-1]
    direction = "flat" if math.isclose(first, last) else ("up" if last > first else "down")
    return Sparkline(
        id=_chart_id("spark"),
        summary=summary,
        points=" ".join(f"{x},{y}" for x, y in points),
        last=points[-1],
        direction=direction,
    )
