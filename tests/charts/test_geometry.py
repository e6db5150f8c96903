"""portal.charts computes where bars, points and grid lines go; the figures it labels are
the portal's money and number formats."""

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from portal.charts import (
    BOTTOM,
    HEIGHT,
    TOP,
    Series,
    add_months,
    bar_chart,
    line_chart,
    month_categories,
    months_ahead,
    months_back,
    nice_ticks,
    sparkline,
)


def test_months_cross_the_year():
    assert months_back(date(2026, 2, 14), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert months_ahead(date(2026, 11, 30), 3) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)


def test_month_labels_have_one_short_form_per_language():
    months = [date(2026, m, 1) for m in range(1, 13)]
    with translation.override("en"):
        labels = [label for label, _name, _year in month_categories(months)]
    assert labels[:3] == ["Jan", "Feb", "Mar"] and labels[5:9] == ["Jun", "Jul", "Aug", "Sep"]
    with translation.override("fr"):
        labels = [label for label, _name, _year in month_categories(months)]
    assert len(set(labels)) == 12  # June and July stay apart ("juin", "juil.")


def test_ticks_are_round_and_cover_the_values_and_zero():
    assert nice_ticks(0, 66195.96) == [0, 20000, 40000, 60000, 80000]
    ticks = nice_ticks(-1200, 3400)
    assert ticks[0] <= -1200 and ticks[-1] >= 3400 and 0 in ticks
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1.0]
    assert nice_ticks(0, 9, whole=True) == [0, 5, 10]  # counts: no 2.5 items
    assert nice_ticks(0, 1, whole=True) == [0, 1]


def test_bar_heights_are_proportional_and_stacks_add_up():
    chart = bar_chart(
        title="t",
        description="d",
        categories=[("a", "A"), ("b", "B")],
        series=[Series("x", [Decimal("10"), Decimal("30")]), Series("y", [Decimal("20"), 0])],
        stacked=True,
        kind="money",
        currency="EUR",
    )
    first, second = chart.categories
    plot = HEIGHT - BOTTOM - TOP
    top = float(chart.ticks[-1].label.replace(",", ""))
    assert abs(sum(r.height for r in first.rects) - 30 / top * plot) < 0.05
    assert abs(second.rects[0].height - 30 / top * plot) < 0.05
    # stacked: the second series sits on the first
    assert abs(first.rects[1].y + first.rects[1].height - first.rects[0].y) < 0.01
    assert first.total == "30.00 EUR" and first.values == ["10.00 EUR", "20.00 EUR"]


def test_labels_follow_the_reader_language():
    with translation.override("fr"):
        chart = bar_chart(
            title="t",
            description="d",
            categories=month_categories([date(2026, 12, 1), date(2027, 1, 1)]),
            series=[Series("x", [Decimal("1234.5"), Decimal("0")])],
            kind="money",
            currency="EUR",
        )
        html = render_to_string("portal/charts/_chart.html", {"chart": chart})
    assert chart.categories[0].name == "décembre 2026"
    assert chart.categories[1].sublabel == "2027"  # the year under January
    assert "1\xa0234,50 EUR" in html  # the money filter's French format
    # coordinates are never localized (a decimal comma would break the SVG)
    assert 'y="' in html and not any(f'="{n},' in html for n in range(10))


def test_the_svg_is_an_image_with_its_title_description_and_a_table():
    chart = line_chart(
        title="Balance",
        description="The balance per month",
        categories=[("a", "A"), ("b", "B"), ("c", "C")],
        series=[Series("acct", [Decimal("5"), None, Decimal("-2")])],
        kind="money",
        currency="USD",
    )
    html = render_to_string("portal/charts/_chart.html", {"chart": chart})
    assert 'role="img"' in html
    assert f'aria-labelledby="{chart.id}-title" aria-describedby="{chart.id}-desc"' in html
    assert "<desc" in html and "The balance per month" in html
    assert html.count("<circle") == 2  # no point where there is no value
    assert '<td class="num">-2.00 USD</td>' in html
    assert "style=" not in html  # CSP: colours come from classes


def test_sparkline_direction_and_summary():
    spark = sparkline([1, 3, 2, 5], summary="up we go")
    assert spark.direction == "up" and spark.summary == "up we go"
    assert sparkline([5, 1], summary="").direction == "down"
    assert sparkline([5], summary="") is None
