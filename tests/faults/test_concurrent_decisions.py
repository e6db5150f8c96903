"""Twenty approvals of one invoice, and of one contract approval step, at the same moment.

PostgreSQL only: SQLite serialises writers, so the race cannot happen there (CI's
second pass sets DATABASE_URL). Each thread has its own database connection.
Exactly one approval succeeds, the 19 others get the service's ValidationError,
a stale edit (an old version number) is refused, and no update is lost: the
row, its history and its e-mails show the winner's decision once.

The application suites hold the two-way invoice race (tests/invoices/test_race.py)
and a four-way contract race (tests/contracts/test_concurrency.py); this is the
issue's twenty.
"""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from contracts import services as contract_services
from contracts.models import Contract, ContractStatus
from invoices.approval import invoice_decide
from invoices.models import ApprovalStatus, Invoice, InvoiceEvent
from portal.models import Notification, Role
from tests.contracts.factories import contract_in
from tests.factories.portal import member
from tests.faults.conftest import needs_postgresql
from tests.invoices.factories import InvoiceFactory

THREADS = 20

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def race(actions) -> list[str]:
    """Run the actions in as many threads released together; 'ok' or the error code."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action):
        try:
            barrier.wait(timeout=30)
            action()
            outcome = "ok"
        except ValidationError as exc:
            outcome = exc.code or "validation"
        except Exception as exc:  # a crash is an outcome the assertions must see
            outcome = f"error: {exc.__class__.__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_approvers_decide_one_invoice_at_once(company):
    invoice = InvoiceFactory(company=company)
    approvers = [
        member(company, role=Role.APPROVER, first_name=f"A{i}", email=f"a{i}@acme.test")
        for i in range(THREADS)
    ]
    seen = invoice.version  # every approver loaded the page at this version
    decisions = {}

    def decide(user, index):
        decision = "approve" if index % 2 == 0 else "reject"

        def action():
            invoice_decide(
                company=company,
                number=invoice.number,
                user=user,
                decision=decision,
                comment=f"by {user.first_name}",
                version=seen,
            )
            decisions["winner"] = (user, decision)

        return action

    outcomes = race([decide(user, i) for i, user in enumerate(approvers)])

    counts = Counter(outcomes)
    assert counts["ok"] == 1, counts
    assert counts["decided_meanwhile"] == THREADS - 1, counts
    winner, decision = decisions["winner"]
    final = Invoice.objects.get(pk=invoice.pk)
    assert final.version == seen + 1
    assert final.decided_by == winner
    assert final.decision_comment == f"by {winner.first_name}"
    expected = ApprovalStatus.APPROVED if decision == "approve" else ApprovalStatus.REJECTED
    assert final.approval_status == expected
    assert (
        InvoiceEvent.objects.filter(invoice=invoice, action__in=["approved", "rejected"]).count()
        == 1
    )

    # A stale form (the old version) is refused, also by the winner; nothing changes.
    with pytest.raises(ValidationError) as stale:
        invoice_decide(
            company=company,
            number=invoice.number,
            user=winner,
            decision="approve",
            comment="again",
            version=seen,
        )
    assert stale.value.code == "decided_meanwhile"
    assert Invoice.objects.get(pk=invoice.pk).version == seen + 1


def test_twenty_approvals_without_a_version_still_decide_once(company):
    """The row lock alone (no version sent): one decision, nineteen 'already decided'."""
    invoice = InvoiceFactory(company=company)
    approvers = [member(company, role=Role.APPROVER) for _ in range(THREADS)]
    outcomes = race(
        [
            lambda user=user: invoice_decide(
                company=company, number=invoice.number, user=user, decision="approve"
            )
            for user in approvers
        ]
    )
    counts = Counter(outcomes)
    assert counts == {"ok": 1, "already_decided": THREADS - 1}, counts
    assert Invoice.objects.get(pk=invoice.pk).version == invoice.version + 1
    assert InvoiceEvent.objects.filter(invoice=invoice, action="approved").count() == 1


def test_twenty_approvals_of_one_contract_step_at_once(company):
    approver = member(company, role=Role.APPROVER)
    second = member(company, role=Role.APPROVER)
    contract = contract_in(
        ContractStatus.IN_APPROVAL, company, actor=approver, approvers=[approver, second]
    )
    seen = contract.lock_version
    asked_before = Notification.objects.filter(
        template="contracts_action", recipient=second.email
    ).count()

    outcomes = race(
        [
            lambda: contract_services.step_approve(
                contract=Contract.objects.get(pk=contract.pk),
                actor=approver,
                comment="fine",
                expected_version=seen,
            )
        ]
        * THREADS
    )

    counts = Counter(outcomes)
    assert counts == {"ok": 1, "stale": THREADS - 1}, counts
    contract.refresh_from_db()
    assert contract.lock_version == seen + 1
    assert contract.current_step.approver == second
    assert contract.events.filter(action="step_approved").count() == 1
    asked = Notification.objects.filter(template="contracts_action", recipient=second.email)
    assert asked.count() == asked_before + 1  # the next approver is asked once

    # The stale page of the first approver is refused; the second approver's fresh one works.
    with pytest.raises(ValidationError) as stale:
        contract_services.step_approve(contract=contract, actor=approver, expected_version=seen)
    assert stale.value.code == "stale"
    contract_services.step_approve(
        contract=Contract.objects.get(pk=contract.pk), actor=second, expected_version=seen + 1
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.AWAITING_SIGNATURE
    assert contract.events.filter(action="step_approved").count() == 2
