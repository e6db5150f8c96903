"""Agents see contracts with versions, route and history, and submit on the customer's behalf."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from contracts.history import verify_chain
from contracts.models import Contract, ContractStatus
from portal.admin_concurrency import record_version
from tests.conftest import login_agent
from tests.contracts.factories import contract_in, pdf_upload
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    from portal.agents import make_agent

    agent = UserFactory(email="agent@cs.test")
    make_agent([agent])
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login_agent(client, agent)
    return client


def test_agent_sees_versions_route_and_history(agent_client, company):
    contract = contract_in(ContractStatus.SIGNED, company, title="Storage deal")
    page = agent_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert contract.current_version.sha256 in text
    assert "step_approved" in text


def test_agent_creates_a_contract_with_its_document_and_submits_it(agent_client, company):
    today = timezone.localdate()
    response = agent_client.post(
        reverse("admin:contracts_contract_add"),
        {
            "company": company.pk,
            "number": "AG-100",
            "title": "Prepared by the supplier",
            "type": "services",
            "supplier_owner": "Hugo Agent",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=365)).isoformat(),
            "value": "1000.00",
            "currency": "EUR",
            "document": pdf_upload(),
            "summary": "Offer",
            **{f"{p}-TOTAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contract = Contract.objects.get(company=company, number="AG-100")
    assert contract.current_version.summary == "Offer"
    agent_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "submit_on_behalf", "_selected_action": [contract.pk]},
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED
    assert "on behalf" in contract.events.get(action="submit").note
    assert verify_chain() is None


def test_agent_terms_edit_of_a_draft_is_recorded_and_leaves_the_status_alone(agent_client, company):
    contract = contract_in(ContractStatus.DRAFT, company, title="Old title")
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    response = agent_client.post(
        url,
        {
            "_version": record_version(Contract.objects.get(pk=contract.pk)),
            "title": "New title",
            "type": contract.type,
            "supplier_owner": contract.supplier_owner,
            "start_date": contract.start_date.isoformat(),
            "end_date": contract.end_date.isoformat(),
            "value": str(contract.value),
            "currency": contract.currency,
            "renewal_terms": contract.renewal_terms,
            "sla_response_hours": "",
            "sla_coverage_hours": "",
            **{f"{p}-TOTAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert contract.title == "New title"
    assert contract.status == ContractStatus.DRAFT
    changed = contract.events.get(action="terms_changed")
    assert "title" in changed.data["fields"]
    assert verify_chain() is None


@pytest.mark.parametrize("status", [ContractStatus.SIGNED, ContractStatus.ACTIVE])
def test_a_signed_contract_is_read_only_in_the_admin(agent_client, company, status):
    """A signed, active contract's value (96,000 -> 9,600) and end date used to be editable."""
    contract = contract_in(status, company, title="Signed deal")
    value, end = contract.value, contract.end_date
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    page = agent_client.get(url).content.decode()
    assert 'name="value"' not in page and 'name="end_date"' not in page
    response = agent_client.post(
        url, {"value": "9600", "end_date": "2030-01-01", "title": contract.title}
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert (contract.value, contract.end_date) == (value, end)


def test_agent_creating_a_contract_without_its_document_is_told_and_nothing_is_saved(
    agent_client, company
):
    """The admin creates through contract_create, which starts a contract with its document."""
    today = timezone.localdate()
    response = agent_client.post(
        reverse("admin:contracts_contract_add"),
        {
            "company": company.pk,
            "number": "AG-101",
            "title": "No document yet",
            "type": "services",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=365)).isoformat(),
            "value": "1000.00",
            "currency": "EUR",
            **{f"{p}-TOTAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
        },
    )
    assert response.status_code == 200
    assert "A new contract starts with its document." in response.content.decode()
    assert not Contract.objects.filter(number="AG-101").exists()


def test_agent_created_contract_has_the_services_history(agent_client, company):
    today = timezone.localdate()
    agent_client.post(
        reverse("admin:contracts_contract_add"),
        {
            "company": company.pk,
            "number": "AG-102",
            "title": "Prepared by the supplier",
            "type": "services",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=30)).isoformat(),
            "value": "10.00",
            "currency": "EUR",
            "document": pdf_upload(),
            **{f"{p}-TOTAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["versions", "steps", "signatures", "events"]},
        },
    )
    contract = Contract.objects.get(company=company, number="AG-102")
    assert contract.status == ContractStatus.DRAFT
    assert list(contract.events.order_by("seq").values_list("action", flat=True)) == [
        "created",
        "version_added",
    ]
    assert contract.current_version.summary == "Document from the supplier"
    assert verify_chain() is None
