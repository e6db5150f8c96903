import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.models import Contract, ContractStatus
from portal.models import Role
from tests.conftest import login
from tests.contracts.factories import ContractFactory, contract_in, pdf_upload, signer
from tests.factories.portal import member

pytestmark = pytest.mark.django_db
S = ContractStatus


def _content(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_list_search_filters_sort_and_pagination(viewer_client, company, other_company):
    today = timezone.localdate()
    ContractFactory(
        company=company,
        number="K-ALPHA",
        title="Alpha storage maintenance",
        end_date=today + datetime.timedelta(days=20),
        status=S.ACTIVE,
    )
    ContractFactory(
        company=company,
        number="K-BETA",
        title="Beta software subscription",
        type="software_subscription",
        end_date=today + datetime.timedelta(days=200),
        status=S.ACTIVE,
    )
    ContractFactory(
        company=company,
        number="K-GAMMA",
        title="Gamma leasing",
        type="leasing",
        status=S.DRAFT,
        end_date=today + datetime.timedelta(days=10),
    )
    ContractFactory(company=other_company, number="K-FOREIGN", title="Alpha foreign")
    url = reverse("contracts:list")

    page = viewer_client.get(url).content.decode()
    assert "K-ALPHA" in page and "K-BETA" in page and "K-GAMMA" in page
    assert "K-FOREIGN" not in page

    page = viewer_client.get(url, {"q": "alpha storage"}).content.decode()
    assert "K-ALPHA" in page and "K-BETA" not in page and "K-FOREIGN" not in page
    page = viewer_client.get(url, {"type": "leasing"}).content.decode()
    assert "K-GAMMA" in page and "K-ALPHA" not in page
    page = viewer_client.get(url, {"status": "active"}).content.decode()
    assert "K-GAMMA" not in page and "K-BETA" in page
    page = viewer_client.get(url, {"expiring_within": 30}).content.decode()
    assert "K-ALPHA" in page and "K-BETA" not in page and "K-GAMMA" not in page
    page = viewer_client.get(
        url, {"end_from": (today + datetime.timedelta(days=100)).isoformat()}
    ).content.decode()
    assert "K-BETA" in page and "K-ALPHA" not in page

    page = viewer_client.get(url, {"sort": "number"}).content.decode()
    assert page.index("K-ALPHA") < page.index("K-BETA") < page.index("K-GAMMA")
    page = viewer_client.get(url, {"sort": "-number"}).content.decode()
    assert page.index("K-GAMMA") < page.index("K-BETA")
    assert viewer_client.get(url, {"sort": "drop table"}).status_code == 200

    ContractFactory.create_batch(30, company=company)
    assert viewer_client.get(url, {"page": 99999}).status_code == 200
    assert viewer_client.get(url, {"page": "abc"}).status_code == 200
    assert "Page 2 of 2" in viewer_client.get(url, {"page": 2}).content.decode()

    partial = viewer_client.get(url, {"q": "Beta"}, HTTP_HX_REQUEST="true").content.decode()
    assert "K-BETA" in partial and "<html" not in partial


def test_list_uses_a_constant_number_of_queries(viewer_client, company):
    ContractFactory.create_batch(3, company=company)
    url = reverse("contracts:list")
    viewer_client.get(url)
    with CaptureQueriesContext(connection) as few:
        viewer_client.get(url)
    ContractFactory.create_batch(20, company=company)
    with CaptureQueriesContext(connection) as many:
        viewer_client.get(url)
    assert len(few) == len(many)


def test_export_csv_and_xlsx_of_the_selection(viewer_client, company):
    ContractFactory(company=company, number="K-1", title="=cmd|' /C calc'!A0", status=S.ACTIVE)
    ContractFactory(company=company, number="K-2", title="Other", status=S.DRAFT)
    url = reverse("contracts:export")
    csv_text = _content(viewer_client.get(url, {"status": "active", "format": "csv"})).decode()
    assert "K-1" in csv_text and "K-2" not in csv_text
    assert "'=cmd" in csv_text  # formula neutralised
    response = viewer_client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(_content(response))).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {"K-1", "K-2"}
    assert viewer_client.get(url, {"format": "exe"}).status_code == 404


def test_detail_shows_version_route_signatures_history_and_downloads(client, company, approver):
    second = member(company, role=Role.APPROVER, first_name="Second", last_name="Approver")
    contract = contract_in(S.SIGNED, company, actor=approver, approvers=[approver, second])
    viewer = member(company, role=Role.VIEWER)
    login(client, viewer, company)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert contract.title in page
    assert contract.current_version.sha256 in page
    assert "Second Approver" in page
    assert "Signed PDF" in page
    assert "Version 1 signed by" in page
    assert "Sign</a>" not in page  # a viewer gets no action buttons

    version = contract.current_version.number
    document = client.get(reverse("contracts:document", args=[contract.number, version]))
    assert document.status_code == 200
    assert _content(document).startswith(b"%PDF")
    signed = client.get(reverse("contracts:signed_pdf", args=[contract.number, version]))
    assert signed.status_code == 200
    assert b"/ETSI.CAdES.detached" in _content(signed)
    printed = client.get(reverse("contracts:print", args=[contract.number]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert _content(printed).startswith(b"%PDF")


def test_earlier_versions_stay_downloadable(approver_client, company, approver):
    contract = contract_in(S.DRAFT, company, actor=approver)
    response = approver_client.post(
        reverse("contracts:add_version", args=[contract.number]),
        {
            "version": contract.lock_version,
            "summary": "New prices",
            "document": pdf_upload("v2.pdf", b"%PDF-1.4\n% second\n%%EOF\n"),
        },
    )
    assert response.status_code == 302
    first = approver_client.get(reverse("contracts:document", args=[contract.number, 1]))
    second = approver_client.get(reverse("contracts:document", args=[contract.number, 2]))
    assert b"% second" not in _content(first)
    assert b"% second" in _content(second)
    page = approver_client.get(contract.get_absolute_url()).content.decode()
    assert "New prices" in page


def test_bad_upload_shows_the_message_and_changes_nothing(approver_client, company, approver):
    contract = contract_in(S.DRAFT, company, actor=approver)
    response = approver_client.post(
        reverse("contracts:add_version", args=[contract.number]),
        {
            "version": contract.lock_version,
            "summary": "x",
            "document": pdf_upload("evil.pdf", b"<html><script>x</script></html>"),
        },
    )
    assert response.status_code == 200
    assert "is not an accepted type of file" in response.content.decode()
    assert contract.versions.count() == 1


def test_the_whole_journey_through_the_pages(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    author = member(company, role=Role.APPROVER, email="author@acme.test")
    boss = member(company, role=Role.APPROVER, email="boss@acme.test")
    ceo = signer(company, email="ceo@acme.test", first_name="Carla", last_name="Ceo")
    login(client, author, company)
    today = timezone.localdate()
    response = client.post(
        reverse("contracts:create"),
        {
            "title": "Storage array maintenance",
            "type": "hardware_maintenance",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=365)).isoformat(),
            "value": "15000.00",
            "currency": "eur",
            "document": pdf_upload(),
            "summary": "First",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.for_company(company).get(title="Storage array maintenance")
    assert contract.currency == "EUR"
    client.post(
        reverse("contracts:submit", args=[contract.number]), {"version": contract.lock_version}
    )
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contracts:route", args=[contract.number]),
            {"version": contract.lock_version, "approver_1": boss.pk},
        )
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["boss@acme.test"]

    login(client, boss, company)
    assert contract.number in client.get(reverse("contracts:needs_action")).content.decode()
    contract.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contracts:approve", args=[contract.number]),
            {"version": contract.lock_version, "comment": "Fine"},
        )
    contract.refresh_from_db()
    assert contract.status == S.AWAITING_SIGNATURE
    assert mailoutbox[-1].to == ["ceo@acme.test"]
    assert contract.number not in client.get(reverse("contracts:needs_action")).content.decode()

    login(client, ceo, company)
    assert contract.number in client.get(reverse("contracts:needs_action")).content.decode()
    response = client.post(
        reverse("contracts:sign", args=[contract.number]),
        {"version": contract.lock_version, "typed_name": "Carla Ceo"},
    )
    assert "Tick the box" in response.content.decode()
    response = client.post(
        reverse("contracts:sign", args=[contract.number]),
        {"version": contract.lock_version, "typed_name": "Carla Ceo", "consent": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == S.SIGNED
    assert contract.signatures.get().ip_address == "203.0.113.9"
    signed = client.get(reverse("contracts:signed_pdf", args=[contract.number, 1]))
    assert signed["Content-Disposition"].startswith("attachment")


def test_stale_page_is_refused_with_a_message(approver_client, company, approver):
    contract = contract_in(S.DRAFT, company, actor=approver)
    response = approver_client.post(
        reverse("contracts:submit", args=[contract.number]),
        {"version": contract.lock_version - 1},
        follow=True,
    )
    assert "was changed by someone else meanwhile" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_illegal_action_from_the_page_gives_a_clear_message(approver_client, company, approver):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    response = approver_client.post(
        reverse("contracts:submit", args=[contract.number]),
        {"version": contract.lock_version},
        follow=True,
    )
    assert "You cannot submit contract" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE


def test_reject_from_the_page(approver_client, company, approver):
    contract = contract_in(S.IN_APPROVAL, company, actor=approver)
    approver_client.post(
        reverse("contracts:reject", args=[contract.number]),
        {"version": contract.lock_version, "comment": ""},
    )
    contract.refresh_from_db()
    assert contract.status == S.IN_APPROVAL
    approver_client.post(
        reverse("contracts:reject", args=[contract.number]),
        {"version": contract.lock_version, "comment": "Wrong site"},
    )
    contract.refresh_from_db()
    assert contract.status == S.DRAFT
    page = approver_client.get(contract.get_absolute_url()).content.decode()
    assert "Wrong site" in page


def test_terminate_and_renew_pages(approver_client, company, approver):
    contract = contract_in(S.ACTIVE, company, actor=approver)
    new_end = contract.end_date + datetime.timedelta(days=365)
    response = approver_client.post(
        reverse("contracts:renew", args=[contract.number]),
        {"version": contract.lock_version, "new_end_date": new_end.isoformat()},
    )
    successor = Contract.objects.for_company(company).get(renewed_from=contract)
    assert response["Location"] == successor.get_absolute_url()
    other = contract_in(S.ACTIVE, company, actor=approver)
    response = approver_client.post(
        reverse("contracts:terminate", args=[other.number]),
        {"version": other.lock_version, "reason": "Site closed"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == S.TERMINATED


def test_other_companys_contract_and_files_are_404(client, company, other_company):
    contract = contract_in(S.SIGNED, other_company)
    user = member(company, role=Role.APPROVER)
    login(client, user, company)
    for name, args in [
        ("contracts:detail", [contract.number]),
        ("contracts:document", [contract.number, 1]),
        ("contracts:signed_pdf", [contract.number, 1]),
        ("contracts:print", [contract.number]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_detail_and_needs_action_queries_do_not_grow(client, company, approver):
    contract = contract_in(S.SIGNED, company, actor=approver)
    login(client, approver, company)
    url = contract.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        contract.refresh_from_db()
        from contracts import services

        services.contract_add_version(
            contract=contract,
            actor=approver,
            upload=pdf_upload(),
            summary="amend",
            expected_version=None,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(before) == len(after)

    for _ in range(2):
        contract_in(S.IN_APPROVAL, company, actor=approver)
    client.get(reverse("contracts:needs_action"))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("contracts:needs_action"))
    for _ in range(3):
        contract_in(S.IN_APPROVAL, company, actor=approver)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("contracts:needs_action"))
    assert len(two) == len(five)
    assert response.content.decode().count("Your approval") == 5


def test_home_figures(approver_client, company, approver):
    contract_in(S.IN_APPROVAL, company, actor=approver)
    contract_in(S.ACTIVE, company, end_date=timezone.localdate() + datetime.timedelta(days=30))
    page = approver_client.get(reverse("portal:home")).content.decode()
    assert "Contracts needing my action" in page
    assert "Contracts expiring within 90 days" in page


def test_reference_resolver(company, other_company):
    from portal.references import resolve_reference

    contract = ContractFactory(company=company, number="REF-1")
    ContractFactory(company=other_company, number="REF-2")
    assert resolve_reference(company, "contracts", "REF-1") == contract
    assert resolve_reference(company, "contracts", "REF-2") is None


def test_pages_and_messages_in_french(client, company):
    user = member(company, role=Role.APPROVER, preferred_language="fr")
    contract = contract_in(S.ACTIVE, company, actor=user)
    login(client, user, company)
    page = client.get(contract.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Contrat {contract.number}" in page
    assert "Historique" in page and "Maintenance matériel" in page
    response = client.post(
        reverse("contracts:submit", args=[contract.number]),
        {"version": contract.lock_version},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Vous ne pouvez pas soumettre le contrat" in response.content.decode()


def test_company_admin_grants_and_withdraws_signing_authority(client, company, company_admin):
    from contracts.selectors import can_sign

    approver = member(company, role=Role.APPROVER, email="boss@acme.test")
    viewer = member(company, role=Role.VIEWER, email="looker@acme.test")
    login(client, company_admin, company)
    page = client.get(reverse("contracts:signers")).content.decode()
    assert "boss@acme.test" in page and "looker@acme.test" not in page
    client.post(reverse("contracts:signers"), {"user": approver.pk, "grant": "1"})
    assert can_sign(approver, company)
    client.post(reverse("contracts:signers"), {"user": approver.pk, "grant": "0"})
    assert not can_sign(approver, company)
    response = client.post(reverse("contracts:signers"), {"user": viewer.pk, "grant": "1"})
    assert response.status_code == 404
    assert not can_sign(viewer, company)


def test_only_company_admins_manage_signing_authority(approver_client):
    assert approver_client.get(reverse("contracts:signers")).status_code == 403
