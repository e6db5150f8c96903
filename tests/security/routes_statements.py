"""Every URL of Statements OnLine in the authorization matrix (real objects of `company`)."""

from datetime import date
from decimal import Decimal

from tests.security.matrix import Route
from tests.statements.factories import (
    BillingAccountFactory,
    CreditNoteFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)


def _account(company, user, **extra):
    account = BillingAccountFactory(company=company)
    InvoiceFactory(billing_account=account, issue_date=date.today(), total=Decimal("120.00"))
    return {"account": account.number, "currency": account.currency, **extra}


def _credit_note(company, user):
    invoice = InvoiceFactory(billing_account=BillingAccountFactory(company=company))
    note = CreditNoteFactory(billing_account=invoice.billing_account, invoice=invoice)
    return {"number": note.number}


def _payment(company, user):
    payment = PaymentFactory(billing_account=BillingAccountFactory(company=company))
    PaymentAllocationFactory(payment=payment, amount=Decimal("20.00"))
    return {"reference": payment.reference}


ROUTES = [
    Route("statements:list", app="statements"),
    Route("statements:statement", app="statements", kwargs=_account),
    Route(
        "statements:statement_pdf",
        app="statements",
        kwargs=_account,
        ok=(302,),
        notes="starts the job that renders the PDF, then its page (portal:job)",
    ),
    Route(
        "statements:statement_export",
        app="statements",
        kwargs=lambda company, user: _account(company, user, fmt="csv"),
    ),
    Route("statements:credit_note_pdf", app="statements", kwargs=_credit_note),
    Route("statements:credit_note_facturx", app="statements", kwargs=_credit_note),
    Route("statements:payment_detail", app="statements", kwargs=_payment),
]
