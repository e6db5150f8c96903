"""Demo requests carry the year of their own date (CS-2026-... for a 2026 request)."""

import pytest
from django.utils import timezone

from portal.demo import seed_platform
from requests_inbox import demo
from requests_inbox.models import Request

pytestmark = pytest.mark.django_db


def test_demo_tracking_numbers_match_their_dates_and_seeding_twice_adds_nothing():
    world = seed_platform()
    demo.seed(world)
    demo.seed(world)
    rows = list(Request.objects.all())
    assert len(rows) == len(demo.REQUESTS)
    for row in rows:
        assert row.number.startswith(f"CS-{timezone.localtime(row.created_at).year}-"), row.number


def test_a_number_of_an_earlier_year_is_brought_in_line(monkeypatch):
    world = seed_platform()
    demo.seed(world)
    first = Request.objects.order_by("number").first()
    series = first.number.rsplit("-", 1)[1]
    Request.objects.filter(pk=first.pk).update(number=f"CS-2025-{series}")
    demo.seed(world)
    first.refresh_from_db()
    assert first.number == f"CS-{timezone.localtime(first.created_at).year}-{series}"
    assert Request.objects.count() == len(demo.REQUESTS)
