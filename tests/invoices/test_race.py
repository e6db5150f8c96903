"""Two approvers deciding the same invoice at the same moment: one wins, the other is told.

Needs real row locks, so it runs only on PostgreSQL (CI's second pass sets DATABASE_URL).
"""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections

from invoices.approval import invoice_decide
from invoices.models import ApprovalStatus, Invoice, InvoiceEvent
from tests.factories.portal import member
from tests.invoices.factories import InvoiceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks: PostgreSQL only (CI's second pass)",
    ),
]


def test_two_approvers_at_once_one_wins_the_other_is_told(company):
    assert connection.vendor == "postgresql"
    invoice = InvoiceFactory(company=company)
    alice = member(company, role="approver", first_name="Alice", last_name="A")
    bob = member(company, role="approver", first_name="Bob", last_name="B")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(user, decision):
        try:
            barrier.wait(timeout=10)
            invoice_decide(
                company=company,
                number=invoice.number,
                user=user,
                decision=decision,
                comment="race",
                version=invoice.version,  # both loaded the page at version 1
            )
            outcomes[user.first_name] = "won"
        except ValidationError as exc:
            outcomes[user.first_name] = " ".join(exc.messages)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(alice, "approve")),
        threading.Thread(target=decide, args=(bob, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    loser = "Bob" if winners == ["Alice"] else "Alice"
    final = Invoice.objects.get(pk=invoice.pk)
    assert final.version == 2
    expected = ApprovalStatus.APPROVED if winners == ["Alice"] else ApprovalStatus.REJECTED
    assert final.approval_status == expected
    assert f"by {winners[0]} " in outcomes[loser] and "meanwhile" in outcomes[loser]
    assert (
        InvoiceEvent.objects.filter(invoice=invoice, action__in=["approved", "rejected"]).count()
        == 1
    )
