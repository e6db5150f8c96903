"""Segregation of duties on contracts: the submitter never approves her own route; the
company administrator sets how many approvers a contract needs from a value; the signer
is never the only approver above that value. Every refusal says why."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import ApprovalPolicy, ContractStatus
from portal.models import Role
from tests.conftest import login
from tests.contracts.factories import contract_in, signer
from tests.factories.portal import member

pytestmark = pytest.mark.django_db
S = ContractStatus


def _route(contract, actor, approvers):
    contract.refresh_from_db()
    return services.contract_route(
        contract=contract, actor=actor, approvers=approvers, expected_version=None
    )


def test_the_submitter_cannot_approve_her_own_route(company):
    alice = signer(company, first_name="Alice", last_name="Martin")
    contract = contract_in(S.DRAFT, company, actor=alice, value=Decimal("24000.00"))
    services.contract_submit(contract=contract, actor=alice, expected_version=None)
    with pytest.raises(ValidationError) as exc:
        _route(contract, alice, [alice])
    assert exc.value.code == "submitter_approves"
    assert "Alice Martin submitted this contract and cannot approve it" in exc.value.messages[0]
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED and not contract.steps.exists()


def test_the_company_minimum_of_approvers_applies_from_its_threshold(company, company_admin):
    services.approval_policy_set(
        company=company, actor=company_admin, threshold=Decimal("10000"), min_approvers=2
    )
    author = member(company, role=Role.APPROVER)
    one, two = member(company, role=Role.APPROVER), member(company, role=Role.APPROVER)
    big = contract_in(S.SUBMITTED, company, actor=author, value=Decimal("24000.00"))
    with pytest.raises(ValidationError) as exc:
        _route(big, author, [one])
    assert exc.value.code == "too_few_approvers"
    assert "at least 2 approvers; this route has 1" in exc.value.messages[0]
    _route(big, author, [one, two])
    big.refresh_from_db()
    assert big.status == S.IN_APPROVAL
    small = contract_in(S.SUBMITTED, company, actor=author, value=Decimal("9999.99"))
    _route(small, author, [one])
    small.refresh_from_db()
    assert small.status == S.IN_APPROVAL


def test_the_signer_cannot_be_the_only_approver_above_the_threshold(company, company_admin):
    services.approval_policy_set(
        company=company, actor=company_admin, threshold=Decimal("10000"), min_approvers=1
    )
    alice = signer(company)
    contract = contract_in(
        S.AWAITING_SIGNATURE, company, actor=alice, approvers=[alice], value=Decimal("24000")
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(
            contract=contract,
            actor=alice,
            typed_name="Alice Martin",
            consent=True,
            ip_address="192.0.2.1",
            expected_version=None,
        )
    assert exc.value.code == "sole_approver_signs"
    assert "another person must sign it" in exc.value.messages[0]
    contract.refresh_from_db()
    assert contract.status == S.AWAITING_SIGNATURE
    services.contract_sign(
        contract=contract,
        actor=signer(company),
        typed_name="Bruno Petit",
        consent=True,
        ip_address="192.0.2.1",
        expected_version=None,
    )
    contract.refresh_from_db()
    assert contract.status == S.SIGNED


def test_the_company_administrator_sets_the_rule_on_the_signers_page(client, company):
    admin = member(company, role=Role.APPROVER, admin=True)
    login(client, admin, company)
    url = reverse("contracts:signers")
    response = client.post(url, {"policy": "1", "threshold": "abc", "min_approvers": "2"})
    assert response.status_code == 200 and "Enter a number" in response.text
    assert 'value="abc"' in response.text  # nothing typed is lost
    response = client.post(url, {"policy": "1", "threshold": "10000", "min_approvers": "3"})
    assert response.status_code == 302
    policy = ApprovalPolicy.objects.get(company=company)
    assert (policy.threshold, policy.min_approvers) == (Decimal("10000"), 3)
    assert "at least 3 approvers" in client.get(url).text


def test_a_member_who_is_not_administrator_cannot_set_the_rule(client, company, approver):
    login(client, approver, company)
    response = client.post(
        reverse("contracts:signers"), {"policy": "1", "threshold": "1", "min_approvers": "1"}
    )
    assert response.status_code in (302, 403, 404)
    assert not ApprovalPolicy.objects.filter(company=company).exists()
