"""The ids-first paginator shows exactly what Django's plain paginator shows, in the same
order, with the same annotations, and a constant number of queries on any page."""

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.test import RequestFactory

from portal.models import Site
from portal.pagination import IdsFirstPaginator, page_of
from tests.factories.portal import CompanyFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites():
    company = CompanyFactory()
    for i in range(23):
        SiteFactory(company=company, code=f"S{i:02d}", name=f"Site {i % 5}")
    return (
        Site.objects.filter(company=company)
        .annotate(letters=Count("pk") + F("pk") * 0)
        .order_by("-name", "code")
    )


def test_every_page_matches_the_plain_paginator(sites):
    plain, ids_first = Paginator(sites, 5), IdsFirstPaginator(sites, 5)
    assert ids_first.num_pages == plain.num_pages == 5
    for number in plain.page_range:
        expected = [(s.code, s.letters) for s in plain.page(number)]
        assert [(s.code, s.letters) for s in ids_first.page(number)] == expected


def test_query_count_is_the_same_on_a_deep_page(sites, django_assert_num_queries):
    request = RequestFactory().get("/", {"page": "5"})
    with django_assert_num_queries(3):  # count, the page's ids, its rows
        page = page_of(request, sites, 5)
        assert len(list(page)) == 3
    expected = [s.code for s in Paginator(sites, 5).page(2)]
    with django_assert_num_queries(2):  # a known count saves the COUNT(*)
        page = page_of(RequestFactory().get("/", {"page": "2"}), sites, 5, count=23)
        assert [s.code for s in page] == expected


def test_past_the_end_and_garbage(sites):
    assert page_of(RequestFactory().get("/", {"page": "99"}), sites, 5).number == 5
    assert page_of(RequestFactory().get("/", {"page": "x"}), sites, 5).number == 1
