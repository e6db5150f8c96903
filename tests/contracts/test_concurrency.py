"""Concurrent decisions on PostgreSQL (CI's second pass runs the suite with DATABASE_URL
set to PostgreSQL; SQLite serialises writers, so the race cannot happen there)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from contracts import services
from contracts.models import Contract, ContractStatus
from portal.models import Role
from tests.contracts.factories import contract_in, signer
from tests.factories.portal import member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"
    ),
]


def _race(count, action):
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_approvals_exactly_one_succeeds(company):
    approver = member(company, role=Role.APPROVER)
    second = member(company, role=Role.APPROVER)
    contract = contract_in(
        ContractStatus.IN_APPROVAL, company, actor=approver, approvers=[approver, second]
    )
    seen = contract.lock_version

    outcomes = _race(
        4,
        lambda: services.step_approve(
            contract=Contract.objects.get(pk=contract.pk), actor=approver, expected_version=seen
        ),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} == {"stale"}
    contract.refresh_from_db()
    assert contract.current_step.approver == second
    assert contract.events.filter(action="step_approved").count() == 1


def test_concurrent_signatures_exactly_one_succeeds(company):
    first, other = signer(company), signer(company)
    contract = contract_in(ContractStatus.AWAITING_SIGNATURE, company)
    users = iter([first, other])
    lock = threading.Lock()

    def sign():
        with lock:
            user = next(users)
        services.contract_sign(
            contract=Contract.objects.get(pk=contract.pk),
            actor=user,
            typed_name=str(user),
            consent=True,
            ip_address="192.0.2.5",
            expected_version=None,
        )

    outcomes = _race(2, sign)
    assert outcomes.count("ok") == 1, outcomes
    assert contract.signatures.count() == 1
