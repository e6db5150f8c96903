"""Every list page is built by one engine (portal.listing): a django-filter FilterSet,
the shared sortable headers (aria-sort and a visible arrow), pagination, result heading
and export links, and one export parameter (`?format=`, with `?fmt=` still read)."""

import re
from pathlib import Path

import django_filters
import pytest
from django.conf import settings
from django.urls import reverse

from portal.listing import ListFilterSet, ListSpec
from tests.conftest import login
from tests.contracts.factories import ContractFactory
from tests.factories.portal import SiteFactory
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory
from tests.invoices.factories import InvoiceFactory
from tests.orders.factories import OrderFactory
from tests.requests_inbox.factories import RequestFactory
from tests.statements.conftest import ledger  # noqa: F401 -- the statement's fixture

pytestmark = pytest.mark.django_db

APPS = ("contracts", "orders", "invoices", "statements", "inventory", "requests_inbox")
STATEMENT = ("statements:statement", {"account": "BA-100", "currency": "EUR"})
FEB = {"period": "custom", "start": "2026-02-01", "end": "2026-02-28"}


@pytest.fixture
def lists(company, viewer, ledger):  # noqa: F811
    """One row in every list of the company, and the URL of each list page."""
    make_online(company)
    for _ in range(2):
        ContractFactory(company=company)
        OrderFactory(company=company)
        InvoiceFactory(company=company)
        ItemFactory(site=SiteFactory(company=company))
        RequestFactory(company=company, requester=viewer)
    return {
        "contracts": (reverse("contracts:list"), {}),
        "orders": (reverse("orders:list"), {}),
        "invoices": (reverse("invoices:list"), {}),
        "statements": (reverse(STATEMENT[0], kwargs=STATEMENT[1]), FEB),
        "inventory": (reverse("inventory:home"), {}),
        "requests_inbox": (reverse("requests_inbox:list"), {}),
    }


def _headers(html: str) -> dict[str, str]:
    """Sortable headers: the sort each one's link asks for -> the whole <th>."""
    found = {}
    for match in re.finditer(r'<th scope="col"[^>]*><a href="[^"]*"[^>]*>.*?</a></th>', html):
        th = match.group(0)
        sort = re.search(r"sort=(-?\w+)", th.replace("&amp;", "&"))
        if sort:
            found[sort.group(1).lstrip("-")] = th
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_list_filters_with_a_filterset_of_the_engine(client, viewer, company, lists, app):
    login(client, viewer, company)
    url, params = lists[app]
    response = client.get(url, params)
    assert response.status_code == 200
    listing = response.context["listing"]
    assert isinstance(listing.spec, ListSpec)
    assert isinstance(listing.filterset, ListFilterSet)
    assert isinstance(listing.filterset, django_filters.FilterSet)
    # The form on the page is the FilterSet's (no second, hand-written form).
    assert response.context["form"] is listing.filterset.form
    html = response.content.decode()
    assert f'hx-target="#{listing.target}"' in html
    assert f'id="{listing.target}-loading" class="htmx-indicator' in html
    assert f'id="{listing.target}-heading" data-results-status' in html


def test_no_application_keeps_a_hand_written_filter_form():
    """The lists' filters are FilterSets declared in <app>/filters.py; no form class
    named like a list filter is left in an application's forms or views."""
    root = Path(settings.BASE_DIR)
    for app in APPS:
        assert (root / app / "filters.py").exists(), app
        assert (root / app / "exports.py").exists(), app
        for name in ("forms.py", "views.py"):
            path = root / app / name
            if path.exists():
                text = path.read_text()
                assert not re.search(r"class \w*Filter\w*\((forms\.)?Form\)", text), path
                assert 'request.GET.get("fmt"' not in text, path


@pytest.mark.parametrize("app", APPS)
def test_every_sortable_header_says_its_sort_and_shows_it(client, viewer, company, lists, app):
    login(client, viewer, company)
    url, params = lists[app]
    headers = _headers(client.get(url, params).content.decode())
    assert len(headers) >= 3, headers
    for key in headers:
        for sort, direction, arrow in ((key, "ascending", "▲"), (f"-{key}", "descending", "▼")):
            html = client.get(url, {**params, "sort": sort}).content.decode()
            now = _headers(html)
            assert f'aria-sort="{direction}"' in now[key], (app, sort, now[key])
            assert arrow in now[key]
            others = [th for other, th in now.items() if other != key]
            assert not any("aria-sort" in th for th in others), (app, sort)
            assert all("↕" in th for th in others)
            # Sort and page links are htmx requests into the results (announced, focused).
            assert 'hx-get="?' in now[key] and "hx-push-url" in now[key]


def test_the_pagination_is_shared_with_rel_and_aria_current(client, viewer, company):
    for _ in range(27):
        ContractFactory(company=company)
    login(client, viewer, company)
    html = client.get(reverse("contracts:list"), {"page": 2}).content.decode()
    nav = html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    assert 'rel="prev"' in nav and 'aria-current="page"' in nav
    assert 'hx-target="#contract-results"' in nav
    assert "Page 2 of 2" in nav


@pytest.mark.parametrize(
    "name, params",
    [
        ("contracts:export", {}),
        ("orders:export", {}),
        ("invoices:export", {}),
        ("requests_inbox:export", {}),
        ("inventory:home", {}),
    ],
)
def test_one_export_parameter_and_its_old_name(client, viewer, company, lists, name, params):
    """`?format=` everywhere; `?fmt=` (links in older e-mails, bookmarks) still works."""
    login(client, viewer, company)
    url = reverse(name)
    for parameter in ("format", "fmt"):
        response = client.get(url, {**params, parameter: "csv"})
        assert response.status_code == 200, (name, parameter)
        assert response["Content-Type"].startswith("text/csv")
        assert response.get("Content-Disposition", "").startswith("attachment")
    assert client.get(url, {"format": "exe"}).status_code == 404
    assert client.get(url, {"fmt": "exe"}).status_code == 404


@pytest.mark.parametrize("app", ["contracts", "orders", "invoices", "inventory", "requests_inbox"])
def test_the_export_links_of_a_list_say_format(client, viewer, company, lists, app):
    login(client, viewer, company)
    url, params = lists[app]
    html = client.get(url, {**params, "sort": "-number", "q": "x"}).content.decode()
    links = re.findall(r'<p class="exports">.*?</p>', html, re.S)[0]
    assert "format=csv" in links and "format=xlsx" in links and "fmt=" not in links
    assert "q=x" in links  # the same selection


@pytest.mark.parametrize(
    "app, heading",
    [("orders", "2 orders"), ("contracts", "2 contracts"), ("requests_inbox", "2 requests")],
)
def test_the_results_heading_is_what_the_announcement_reads(
    client, viewer, company, lists, app, heading
):
    login(client, viewer, company)
    url, params = lists[app]
    response = client.get(url, params, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html  # an htmx change gets the results only
    assert re.search(rf"<h2 [^>]*data-results-status[^>]*>{heading}</h2>", html)
    assert "HX-Request" in response["Vary"]
