"""Each chart shows the numbers of the table it summarises, over the demo data
(`manage.py seed_demo`), read through the page a company administrator opens."""

import calendar
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import IN_FORCE
from invoices.models import Invoice
from portal.charts import months_ahead, months_back
from portal.money import format_money
from portal.time_zones import zone_for
from requests_inbox.models import Request
from statements.ledger import StatementQuery, totals
from statements.statement import account_balances
from tests.charts.conftest import admin_client

pytestmark = pytest.mark.django_db


def _zone(client, company):
    from portal.models import User

    return zone_for(User.objects.get(pk=client.session["_auth_user_id"]), company)


def _today(client, company):
    """The date in the signed-in user's zone, as the page reads it (New York's evening is
    already tomorrow in UTC)."""
    return timezone.localdate(timezone=_zone(client, company))


ZERO = Decimal("0.00")


def test_balance_lines_end_on_the_list_balance_and_pass_each_month_closing(client, demo_companies):
    checked = 0
    for company in demo_companies:
        if admin_client(client, company) is None:
            continue
        months = months_back(_today(client, company))
        response = client.get(reverse("statements:list"))
        charts = response.context["balance_charts"]
        for row in account_balances(company):
            chart = next(c for c in charts if row["currency"] in c.title)
            column = chart.series.index(row["account"].number)
            points = [cat.numbers[column] for cat in chart.categories]
            assert points[-1] == row["balance"]  # the list's Balance column
            for month, point in zip(months[:-1], points[:-1], strict=True):
                end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
                query = StatementQuery(
                    company_id=company.pk,
                    account_id=row["account"].pk,
                    currency=row["currency"],
                    start=month,
                    end=end,
                )
                assert point == totals(query).closing  # the statement's closing balance
            checked += 1
    assert checked >= 3  # every demo account with a ledger


def test_ageing_bars_are_the_ageing_table(client, demo_companies):
    checked = 0
    for company in demo_companies:
        if admin_client(client, company) is None:
            continue
        for row in account_balances(company):
            url = reverse(
                "statements:statement",
                kwargs={"account": row["account"].number, "currency": row["currency"]},
            )
            context = client.get(url).context
            chart, ageing = context["ageing_chart"], context["ageing"]
            bars = [cat.numbers[0] for cat in chart.categories]
            assert bars == [amount for _key, _label, amount in ageing.buckets]
            assert sum(bars) == ageing.total_open
            checked += 1 if any(bars) else 0
    assert checked  # some demo account has something open


def test_due_bars_add_up_to_the_open_amount_of_the_totals_table(client, demo_companies):
    checked = 0
    for company in demo_companies:
        if admin_client(client, company) is None:
            continue
        today = _today(client, company)
        for query in ({}, {"payment": "overdue"}):
            context = client.get(reverse("invoices:list"), query).context
            for row in context["totals"]:
                chart = next(c for c in context["due_charts"] if row["currency"] in c.title)
                due = sum(cat.numbers[0] for cat in chart.categories)
                overdue = sum(cat.numbers[1] for cat in chart.categories)
                assert due + overdue == Decimal(str(row["sum_open"])).quantize(ZERO)
                expected_overdue = sum(
                    (
                        i.open_amount
                        for i in Invoice.objects.for_company(company)
                        .overdue(today)
                        .filter(currency=row["currency"])
                    ),
                    ZERO,
                )
                if not query:
                    assert overdue == expected_overdue
                checked += 1
    assert checked >= 4


def _covered_until(item, today):
    contract = item.maintenance_contract
    ends = [item.warranty_end] if item.warranty_end else []
    if contract is not None and contract.status in IN_FORCE:
        ends.append(contract.end_date)
    return max(ends) if ends else None


def test_coverage_bars_count_the_listed_items(client, demo_companies):
    checked = 0
    for company in demo_companies:
        if admin_client(client, company) is None:
            continue
        today = _today(client, company)
        months = months_ahead(today)
        for query in ({}, {"kind": "hardware"}):
            response = client.get(reverse("inventory:home"), {**query, "print": "all"})
            context = response.context
            if context is None or "endings_chart" not in context:
                continue  # the variant without an item list
            items = list(context["page"].object_list)  # the whole list (print view)
            assert len(items) == context["page"].paginator.count
            maintenance, leases = Counter(), Counter()
            for item in items:
                end = _covered_until(item, today)
                if end and today <= end and end.replace(day=1) in months:
                    maintenance[end.replace(day=1)] += 1
                if (
                    item.lease_end
                    and today <= item.lease_end
                    and item.lease_end.replace(day=1) in months
                ):
                    leases[item.lease_end.replace(day=1)] += 1
            chart = context["endings_chart"]
            assert [c.numbers[0] for c in chart.categories] == [maintenance[m] for m in months]
            if len(chart.series) == 2:
                assert [c.numbers[1] for c in chart.categories] == [leases[m] for m in months]
            checked += sum(maintenance.values())
    assert checked  # the demo has coverage ending within the year


def test_request_bars_count_the_listed_requests_and_only_administrators_see_them(
    client, demo_companies
):
    checked = 0
    for company in demo_companies:
        if admin_client(client, company) is None:
            continue
        today = _today(client, company)
        months = months_back(today)
        context = client.get(reverse("requests_inbox:list"), {"print": "all"}).context
        listed = list(context["page"].object_list)
        zone = _zone(client, company)
        per_month = Counter(
            timezone.localtime(r.created_at, zone).date().replace(day=1) for r in listed
        )
        bars, share = context["request_charts"]
        assert [c.numbers[0] for c in bars.categories] == [per_month[m] for m in months]
        checked += len(listed)
    assert checked
    # a member who is not an administrator gets no chart
    member = Request.objects.order_by("pk").first()
    from tests.conftest import login

    login(client, member.requester, member.company)
    membership = member.requester.memberships.get(company=member.company)
    if not membership.is_company_admin:
        assert client.get(reverse("requests_inbox:list")).context["request_charts"] == []


def test_home_tile_draws_the_balance_trend(client, demo_companies):
    company = next(c for c in demo_companies if account_balances(c))
    admin_client(client, company)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'class="sparkline' in html
    balance = sum((r["balance"] for r in account_balances(company)), ZERO)
    currency = account_balances(company)[0]["currency"]
    language = response.headers.get("Content-Language", "en")
    # the trend's text alternative ends on the tile's balance
    summary = re.search(r'<span class="sparkline.*?<title[^>]*>([^<]*)</title>', html).group(1)
    assert format_money(balance, currency, language=language) in summary
