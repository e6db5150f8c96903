"""The team lead's dashboard: figures checked against the rows they come from."""

import csv
import io
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_inbox.desk_figures import desk_figures
from requests_inbox.models import Message, Request
from requests_inbox.services import request_assign, request_rate, request_reply, request_submit
from tests.conftest import login_agent

pytestmark = pytest.mark.django_db


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, 0))


def request_on(company, viewer, created, answered=None, agent=None, rating=""):
    req = request_submit(
        company=company, user=viewer, category="other", subject="Q", message="Hello"
    )
    Request.objects.filter(pk=req.pk).update(created_at=created)
    Message.objects.filter(request=req).update(created_at=created)
    if answered is not None:
        message = request_reply(request=req, agent=agent, body="Answer")
        Message.objects.filter(pk=message.pk).update(created_at=answered)
        if rating:
            request_rate(request=req, user=viewer, rating=rating)
            Request.objects.filter(pk=req.pk).update(rated_at=answered)
    return req


def test_figures_match_the_rows(company, viewer, agent):
    # Tuesday 24 and Thursday 26 November 2026 are business days in France.
    request_on(company, viewer, at(24, 10), at(24, 15), agent, rating="good")  # within
    request_on(company, viewer, at(24, 11), at(26, 9), agent, rating="bad")  # late
    request_on(company, viewer, at(25, 9))  # waiting, unassigned
    mine = request_on(company, viewer, at(26, 16))
    request_assign(request=mine, agent=agent, actor=agent)

    figures = desk_figures(end=date(2026, 11, 27), days=7)
    by_day = {d.day.day: d for d in figures.days}
    assert [d.day.day for d in figures.days] == [21, 22, 23, 24, 25, 26, 27]
    assert (by_day[24].received, by_day[24].answered, by_day[24].within_promise) == (2, 1, 1)
    assert (by_day[25].received, by_day[25].answered) == (1, 0)
    assert (by_day[26].received, by_day[26].answered, by_day[26].within_promise) == (1, 1, 0)
    assert (figures.received, figures.answered, figures.within_promise) == (4, 2, 1)
    assert figures.share_within_promise == 50.0 and by_day[24].share_within_promise == 100.0
    assert (figures.good, figures.bad, figures.satisfaction) == (1, 1, 50.0)
    # The badly rated request is back in progress for its assignee, so in the backlog.
    assert dict(figures.backlog_by_agent) == {"": 1, "Alice Agent": 2}
    assert figures.backlog_by_country == [(company.country.name, 3)]
    before = desk_figures(end=date(2026, 11, 23), days=7)
    assert before.received == 0 and before.satisfaction is None


def test_dashboard_page_and_csv_export(company, viewer, agent):
    request_submit(company=company, user=viewer, category="other", subject="Q", message="Hi")
    client = Client()
    login_agent(client, agent)
    queue = client.get(reverse("admin:requests_inbox_request_changelist")).content.decode()
    url = reverse("admin:requests_inbox_request_dashboard")
    assert url in queue
    page = client.get(url, {"days": "7"}).content.decode()
    assert '<dd id="total-received">1</dd>' in page
    assert company.country.name in page
    response = client.get(url, {"days": "7", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["day", "received", "answered"]
    assert len(rows) == 8
    assert rows[-1][0] == timezone.localdate().isoformat() and rows[-1][1] == "1"
    assert client.get(url, {"days": "x"}).status_code == 200


def test_a_french_team_lead_reads_country_names_in_french(company, viewer, agent):
    """The backlog per country said 'Germany' and 'United States' on the French page."""
    company.country.name, company.country.name_fr = "Germany", "Allemagne"
    company.country.save()
    req = request_submit(company=company, user=viewer, category="other", subject="Q", message="Hi")
    request_assign(request=req, agent=agent, actor=agent)
    agent.preferred_language = "fr"
    agent.save()
    client = Client()
    login_agent(client, agent)
    page = client.get(reverse("admin:requests_inbox_request_dashboard")).content.decode()
    backlog = page[page.index('id="desk-backlog-country"') :]
    assert '<th scope="row">Allemagne</th>' in backlog
    assert "Germany" not in backlog
    by_agent = page[page.index('id="desk-backlog-agent"') : page.index('id="desk-backlog-country"')]
    assert '<th scope="row">Alice Agent</th>' in by_agent
