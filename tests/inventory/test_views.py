import pytest
from django.urls import reverse

from inventory.models import ChangeRequest
from tests.conftest import login
from tests.factories.portal import CompanyFactory, SiteFactory, member
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory, SoftwareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(company):
    return make_online(company)


def test_inventory_online_shows_items_by_site_with_lease(client, online, viewer, sites):
    item = ItemFactory(
        site=sites[0],
        lessor="IBM Global Financing",
        lease_start="2025-01-01",
        lease_end="2028-12-31",
        lease_amount="1200.00",
        lease_currency="USD",
    )
    login(client, viewer, online)
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Inventory OnLine" in page and item.serial_number in page and "Paris" in page
    detail = client.get(item.get_absolute_url()).content.decode()
    assert "IBM Global Financing" in detail and "EP5E" in detail


def test_services_assistant_is_for_flagged_european_companies_only(client, company, viewer, sites):
    item = ItemFactory(site=sites[0], lessor="Lessor SA")
    login(client, viewer, company)
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Ask a question about your inventory" in page and item.serial_number not in page
    assert client.get(item.get_absolute_url()).status_code == 404

    company.services_assistant = True
    company.save()
    page = client.get(reverse("inventory:home")).content.decode()
    assert "Services Assistant" in page and item.serial_number in page
    detail = client.get(item.get_absolute_url()).content.decode()
    assert "Lessor SA" not in detail  # leases are Inventory OnLine's, not the assistant's


def test_questions_variant_in_other_countries_links_to_write_to_us(client, viewer, company):
    login(client, viewer, company)
    page = client.get(reverse("inventory:home")).content.decode()
    assert reverse("requests_inbox:create") + "?category=inventory" in page


def test_search_by_serial_and_filters(client, online, viewer, sites):
    ItemFactory(site=sites[0], serial_number="78WANTED")
    ItemFactory(site=sites[1], serial_number="78OTHER0", warranty_end=None)
    software = SoftwareFactory(site=sites[1])
    login(client, viewer, online)
    page = client.get(reverse("inventory:home"), {"q": "78WANT"}).content.decode()
    assert "78WANTED" in page and "78OTHER0" not in page
    page = client.get(
        reverse("inventory:home"), {"site": sites[1].pk, "kind": "hardware"}
    ).content.decode()
    assert "78OTHER0" in page and "78WANTED" not in page and software.product not in page
    page = client.get(reverse("inventory:home"), {"coverage": "none"}).content.decode()
    assert "78OTHER0" in page and "78WANTED" not in page


def test_bad_filters_never_break_the_page(client, online, viewer, sites):
    ItemFactory(site=sites[0])
    foreign_site = SiteFactory(company=CompanyFactory())
    login(client, viewer, online)
    for params in [
        {"site": foreign_site.pk},
        {"site": "abc"},
        {"coverage": "x"},
        {"sort": "evil"},
        {"page": "99999"},
        {"page": "-1"},
    ]:
        response = client.get(reverse("inventory:home"), params)
        assert response.status_code == 200


def test_export_csv_and_xlsx(client, online, viewer, sites):
    ItemFactory(site=sites[0], serial_number="78EXPORT", description="=HYPERLINK(evil)")
    login(client, viewer, online)
    csv = b"".join(client.get(reverse("inventory:home"), {"fmt": "csv"}).streaming_content).decode()
    assert "78EXPORT" in csv and "'=HYPERLINK(evil)" in csv
    xlsx = client.get(reverse("inventory:home"), {"fmt": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_item_page_links_the_covering_contract_and_its_sla(client, online, viewer, sites):
    from tests.contracts.factories import ContractFactory

    contract = ContractFactory(
        company=online, status="active", sla_response_hours=4, sla_coverage_hours="24x7"
    )
    item = ItemFactory(site=sites[0], maintenance_contract=contract, warranty_end=None)
    login(client, viewer, online)
    page = client.get(item.get_absolute_url()).content.decode()
    assert contract.get_absolute_url() in page and "24x7" in page
    assert "Under maintenance contract" in page


def test_move_request_from_the_item_page(
    client, online, viewer, sites, mailoutbox, django_capture_on_commit_callbacks
):
    item = ItemFactory(site=sites[0])
    login(client, viewer, online)
    url = reverse("inventory:change", kwargs={"pk": item.pk, "kind": "move"})
    form = client.get(url).content.decode()
    assert sites[1].name in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"site": sites[1].pk, "message": "Moved to the new room"})
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change.request.get_absolute_url()
    assert change.request.number in mailoutbox[0].subject
    page = client.get(item.get_absolute_url()).content.decode()
    assert change.request.number in page  # the open request shows on the item


def test_a_foreign_site_in_a_move_is_a_form_error_and_nothing_is_saved(
    client, online, viewer, sites
):
    item = ItemFactory(site=sites[0])
    foreign = SiteFactory(company=CompanyFactory())
    login(client, viewer, online)
    url = reverse("inventory:change", kwargs={"pk": item.pk, "kind": "move"})
    response = client.post(url, {"site": foreign.pk, "message": "keep me"})
    assert response.status_code == 200 and "keep me" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_another_companys_item_is_404(client, online, sites):
    outsider_company = make_online(CompanyFactory(country=online.country))
    outsider = member(outsider_company)
    item = ItemFactory(site=sites[0])
    login(client, outsider, outsider_company)
    assert client.get(item.get_absolute_url()).status_code == 404
    url = reverse("inventory:change", kwargs={"pk": item.pk, "kind": "remove"})
    assert client.post(url, {}).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_list_uses_a_constant_number_of_queries(
    client, online, viewer, sites, django_assert_max_num_queries
):
    for i in range(30):
        ItemFactory(site=sites[i % 2])
    login(client, viewer, online)
    client.get(reverse("inventory:home"))
    with django_assert_max_num_queries(14):
        client.get(reverse("inventory:home"))


def test_the_item_count_matches_the_list_with_and_without_filters(client, online, viewer, sites):
    for _ in range(3):
        ItemFactory(site=sites[0])
    ItemFactory(site=sites[1], serial_number="CNT-ONE")
    ItemFactory(site=sites[1], removed_at="2026-01-01T00:00:00Z")  # removed: not counted
    ItemFactory(site=SiteFactory(company=CompanyFactory()))  # another company's
    login(client, viewer, online)

    def count(**params):
        page = client.get(reverse("inventory:home"), params).content.decode()
        heading = page.split("data-results-status", 1)[1].split(">", 1)[1]
        return heading.split("</h2>", 1)[0].strip()  # the results heading (portal/list)

    assert count() == "4 items"
    assert count(site=sites[0].pk) == "3 items"
    assert count(site=sites[1].pk) == "1 item"
    assert count(site=sites[1].pk, q="CNT-ONE") == "1 item"
    assert count(q="nothing-like-this") == "0 items"
    assert count(site="not-a-site") == "4 items"  # ignored filter: the whole list


def test_a_large_export_is_built_by_a_worker_with_the_same_filters(
    client, online, viewer, sites, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    ItemFactory(site=sites[0], serial_number="78BIG001", description="=HYPERLINK(evil)")
    ItemFactory(site=sites[0], serial_number="78BIG002")
    ItemFactory(site=sites[1], serial_number="78OTHER1")
    login(client, viewer, online)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("inventory:home"), {"fmt": "csv", "site": sites[0].pk})
    assert response.status_code == 302
    assert "Ready" in client.get(response.url).text
    csv = b"".join(client.get(response.url + "download/").streaming_content).decode("utf-8-sig")
    assert "78BIG001" in csv and "78BIG002" in csv and "78OTHER1" not in csv
    assert "'=HYPERLINK(evil)" in csv
