import datetime
import re

import pytest
from django.urls import reverse

from orders.models import LineStatus, OrderStatus
from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, CountryFactory, SiteFactory, member
from tests.orders.factories import (
    CarrierFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    StatusChangeFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("orders:list")


def numbers(response):
    return [o.number for o in response.context["orders"]]


def test_list_shows_every_order_of_the_company_whatever_its_country(
    viewer_client, company, other_company
):
    us = CountryFactory(code="US", name="United States")
    france = OrderFactory(company=company, number="100")
    abroad = OrderFactory(company=company, number="200", country=us)
    OrderFactory(company=other_company, number="300")
    response = viewer_client.get(LIST)
    assert response.status_code == 200
    assert set(numbers(response)) == {france.number, abroad.number}
    assert "300" not in response.content.decode()


@pytest.mark.parametrize("field", ["number", "po", "part", "tracking"])
def test_search_by_order_po_part_or_tracking_number(viewer_client, company, field):
    target = OrderFactory(company=company, number="4711", customer_po="PO-ACME-9")
    for _ in range(3):
        OrderLineFactory(order=target, part_number="X-PART-1")
    ShipmentFactory(order=target, tracking_number="1ZTRACK")
    ShipmentFactory(order=target, tracking_number="1ZTRACK")
    other = OrderFactory(company=company, number="4712")
    OrderLineFactory(order=other, part_number="Y-PART-2")
    term = {"number": "4711", "po": "PO-ACME-9", "part": "X-PART-1", "tracking": "1ZTRACK"}[field]
    response = viewer_client.get(LIST, {"q": term})
    assert numbers(response) == ["4711"]  # once, although three lines and two parcels match


def test_search_never_finds_another_companys_order(viewer_client, other_company):
    foreign = OrderFactory(company=other_company, number="999")
    OrderLineFactory(order=foreign, part_number="SECRET")
    assert numbers(viewer_client.get(LIST, {"q": "SECRET"})) == []
    assert numbers(viewer_client.get(LIST, {"q": "999"})) == []


def test_filters_status_dates_country_site(viewer_client, company):
    site = SiteFactory(company=company)
    us = CountryFactory(code="US", name="United States")
    today = datetime.date.today()
    match = OrderFactory(
        company=company,
        status=OrderStatus.SHIPPED,
        ordered_on=today - datetime.timedelta(days=5),
        country=us,
        ship_to=site,
    )
    OrderFactory(company=company, status=OrderStatus.DELIVERED, country=us, ship_to=site)
    OrderFactory(
        company=company,
        status=OrderStatus.SHIPPED,
        ordered_on=today - datetime.timedelta(days=90),
        country=us,
        ship_to=site,
    )
    OrderFactory(company=company, status=OrderStatus.SHIPPED, ship_to=site)
    OrderFactory(company=company, status=OrderStatus.SHIPPED, country=us)
    response = viewer_client.get(
        LIST,
        {
            "status": "shipped",
            "date_from": (today - datetime.timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
            "country": "US",
            "site": site.pk,
        },
    )
    assert numbers(response) == [match.number]


def test_open_status_filter(viewer_client, company):
    OrderFactory(company=company, number="1", status=OrderStatus.CONFIRMED)
    OrderFactory(company=company, number="2", status=OrderStatus.DELIVERED)
    OrderFactory(company=company, number="3", status=OrderStatus.CANCELLED)
    assert numbers(viewer_client.get(LIST, {"status": "open"})) == ["1"]


def test_site_of_another_company_is_a_form_error_not_data(viewer_client, company, other_company):
    foreign_site = SiteFactory(company=other_company, name="Foreign Depot")
    OrderFactory(company=other_company, ship_to=foreign_site)
    mine = OrderFactory(company=company)
    response = viewer_client.get(LIST, {"site": foreign_site.pk})
    assert response.status_code == 200
    assert "site" in response.context["form"].errors
    assert numbers(response) == [mine.number]
    assert "Foreign Depot" not in response.content.decode()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "1066-10-14"}, "date_to"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"status": "teleported"}, "status"),
        ({"country": "XX"}, "country"),
        ({"site": "not-a-number"}, "site"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_bad_input_gives_a_clear_message_never_a_500(viewer_client, company, params, field):
    OrderFactory(company=company)
    response = viewer_client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "could not be used" in response.content.decode()


def test_from_after_to_message(viewer_client, company):
    response = viewer_client.get(LIST, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc", "0"])
def test_huge_or_bad_page_numbers_show_a_page(viewer_client, company, page):
    for i in range(30):
        OrderFactory(company=company, number=f"N{i:03d}")
    response = viewer_client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert len(numbers(response)) in (5, 25)


def test_sorting_by_whitelisted_columns(viewer_client, company):
    OrderFactory(company=company, number="B", total="20")
    OrderFactory(company=company, number="A", total="30")
    OrderFactory(company=company, number="C", total="10")
    assert numbers(viewer_client.get(LIST, {"sort": "number"})) == ["A", "B", "C"]
    assert numbers(viewer_client.get(LIST, {"sort": "-number"})) == ["C", "B", "A"]
    assert numbers(viewer_client.get(LIST, {"sort": "total"})) == ["C", "B", "A"]
    response = viewer_client.get(LIST, {"sort": "total", "status": "confirmed"})
    assert 'aria-sort="ascending"' in response.content.decode()


def test_htmx_request_gets_the_results_partial(viewer_client, company):
    OrderFactory(company=company, number="777")
    response = viewer_client.get(LIST, {"q": "777"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "777" in body
    assert "<html" not in body
    full = viewer_client.get(LIST, {"q": "777"}).content.decode()
    assert "<html" in full and 'hx-get="' in full


def test_list_query_count_does_not_grow_with_orders(
    viewer_client, company, django_assert_max_num_queries
):
    site = SiteFactory(company=company)
    for _ in range(3):
        OrderFactory(company=company, ship_to=site)
    with django_assert_max_num_queries(13) as small:
        viewer_client.get(LIST)
    for _ in range(20):
        OrderFactory(company=company, ship_to=site)
    with django_assert_max_num_queries(len(small.captured_queries)):
        viewer_client.get(LIST)


def test_export_current_selection_as_csv(viewer_client, company):
    OrderFactory(company=company, number="=CMD()", status=OrderStatus.CONFIRMED)
    OrderFactory(company=company, number="555", status=OrderStatus.DELIVERED)
    response = viewer_client.get(reverse("orders:export"), {"fmt": "csv", "status": "confirmed"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "'=CMD()" in body
    assert "555" not in body
    assert "Order number" in body


def test_export_xlsx_and_unknown_format(viewer_client, company):
    OrderFactory(company=company)
    response = viewer_client.get(reverse("orders:export"), {"fmt": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert viewer_client.get(reverse("orders:export"), {"fmt": "exe"}).status_code == 404


def test_order_page_header_lines_shipments_timeline(viewer_client, company):
    site = SiteFactory(company=company, name="Lyon Part-Dieu", address="1 rue X\nLyon")
    order = OrderFactory(company=company, number="A-1", ship_to=site, total="99.90")
    line = OrderLineFactory(order=order, part_number="PN-ABC", status=LineStatus.BACK_ORDERED)
    carrier = CarrierFactory(
        name="Fast", tracking_url_template="https://carrier.example/track?n={tracking}"
    )
    shipment = ShipmentFactory(order=order, carrier=carrier, tracking_number="1Z 99/&x")
    shipment.lines.add(line)
    StatusChangeFactory(order=order, status=OrderStatus.RECEIVED)
    StatusChangeFactory(order=order, status=OrderStatus.CONFIRMED)
    response = viewer_client.get(reverse("orders:detail", kwargs={"number": "A-1"}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "PN-ABC" in body and "Back-ordered" in body
    assert "Lyon Part-Dieu" in body and "99.90 EUR" in body
    assert 'href="https://carrier.example/track?n=1Z%2099%2F%26x"' in body
    assert body.index("Received") < body.index("Confirmed", body.index("Timeline"))


def test_order_page_of_another_company_is_404(viewer_client, other_company):
    OrderFactory(company=other_company, number="SAME")
    url = reverse("orders:detail", kwargs={"number": "SAME"})
    assert viewer_client.get(url).status_code == 404
    assert viewer_client.get(reverse("orders:detail", kwargs={"number": "NOPE"})).status_code == 404


def test_same_number_in_two_companies_shows_mine(viewer_client, company, other_company):
    OrderFactory(company=other_company, number="42", customer_po="THEIRS")
    OrderFactory(company=company, number="42", customer_po="MINE")
    body = viewer_client.get(reverse("orders:detail", kwargs={"number": "42"})).content.decode()
    assert "MINE" in body and "THEIRS" not in body


def test_order_page_query_count_is_constant(viewer_client, company, django_assert_max_num_queries):
    order = OrderFactory(company=company, number="Q")
    for _ in range(2):
        ShipmentFactory(order=order).lines.add(OrderLineFactory(order=order))
    with django_assert_max_num_queries(20) as few:
        viewer_client.get(reverse("orders:detail", kwargs={"number": "Q"}))
    for _ in range(6):
        ShipmentFactory(order=order).lines.add(OrderLineFactory(order=order))
    with django_assert_max_num_queries(len(few.captured_queries)):
        viewer_client.get(reverse("orders:detail", kwargs={"number": "Q"}))


def test_user_without_orders_right_is_sent_to_request_access(client, company):
    user = member(company, role=Role.VIEWER, apps=["invoices"])
    response = login(client, user, company).get(LIST)
    assert response.status_code == 302
    assert reverse("portal:request_access") in response["Location"]


def test_orders_not_offered_in_country_is_404(client):
    closed = CountryFactory(code="ZZ", name="Nowhere", apps=["invoices"])
    company = CompanyFactory(country=closed)
    user = member(company, role=Role.VIEWER, apps=["invoices"])
    assert login(client, user, company).get(LIST).status_code == 404


def test_home_figures(viewer_client, company):
    OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    shipped = OrderFactory(company=company, status=OrderStatus.SHIPPED)
    ShipmentFactory(order=shipped)
    body = viewer_client.get(reverse("portal:home")).content.decode()
    assert "Open orders" in body
    assert "Shipped in the last 30 days" in body


def test_reference_resolver_is_scoped(company, other_company):
    from portal.references import resolve_reference

    mine = OrderFactory(company=company, number="R-1")
    OrderFactory(company=other_company, number="R-2")
    assert resolve_reference(company, "orders", " R-1 ") == mine
    assert resolve_reference(company, "orders", "R-2") is None


def test_very_large_selections_are_counted_up_to_a_cap(viewer_client, company, monkeypatch):
    from orders.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    for i in range(8):
        OrderFactory(company=company, number=f"C{i}")
    response = viewer_client.get(LIST, {"page": "99"})
    assert response.status_code == 200
    assert "More than 5 orders" in response.content.decode()
    assert response.context["page"].paginator.num_pages == 1


@pytest.mark.parametrize("sort", ["password", "country__name", "country"])
def test_an_unknown_sort_falls_back_to_the_default_order(viewer_client, company, sort):
    """The sort is a whitelist (portal.listing): anything else is the list's default
    order, not an error (as on every list)."""
    old = OrderFactory(company=company, ordered_on=datetime.date(2026, 1, 5))
    new = OrderFactory(company=company, ordered_on=datetime.date(2026, 3, 5))
    response = viewer_client.get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert numbers(response) == [new.number, old.number]
    assert 'aria-sort="descending"' in response.content.decode()


def test_country_column_is_not_sortable(viewer_client, company):
    OrderFactory(company=company)
    response = viewer_client.get(LIST, {"sort": "country"})
    assert "?sort=country" not in response.content.decode().replace("/orders/?sort=country", "")
    assert "?sort=number" in response.content.decode()


@pytest.mark.parametrize(("language", "shown"), [("en", "11/26/2026"), ("fr", "26/11/2026")])
def test_a_date_reads_the_same_on_the_list_and_the_order_page(client, company, language, shown):
    """One date format per user: the list and the detail page agree (no "Nov. 26, 2026"
    on one and "11/26/2026" on the other)."""
    OrderFactory(company=company, number="D-1", ordered_on=datetime.date(2026, 11, 26))
    login(client, member(company, email="d@acme.test", preferred_language=language), company)
    listed = client.get(LIST).content.decode()
    detail = client.get(reverse("orders:detail", kwargs={"number": "D-1"})).content.decode()
    assert shown in listed
    assert re.search(r"<dd>\s*" + re.escape(shown) + r"\s*</dd>", detail)
    for long_form in ("Nov. 26, 2026", "November 26, 2026", "26 novembre 2026"):
        assert long_form not in listed and long_form not in detail
