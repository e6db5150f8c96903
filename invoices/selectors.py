"""Reads of Invoices On-Line that are more than a queryset chain (views, jobs, services)."""

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from invoices.models import Invoice
from portal.applications import App
from portal.models import Company, User


def open_dispute_requests(company_field: str = "company", number_field: str = "number") -> Any:
    """Subquery: an open My-requests request of category "invoices" names this invoice."""
    from requests_inbox.models import Request, Status

    return (
        Request.objects.filter(
            company=OuterRef(company_field), category=App.INVOICES, reference=OuterRef(number_field)
        )
        .exclude(status=Status.CLOSED)
        # Most requests name no reference: saying so lets the planner hash the few
        # that do, once, instead of scanning the company's requests for every invoice.
        .exclude(reference="")
        .values("pk")
    )


def with_dispute(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `is_disputed`: shown until the agents close the request (derived, never synced)."""
    return queryset.annotate(is_disputed=Exists(open_dispute_requests()))


def disputed_numbers(company: Company) -> set[str]:
    """Numbers named by the company's open "invoices" requests (few): for exports,
    one query instead of a subquery per exported invoice."""
    from requests_inbox.models import Request, Status

    return set(
        Request.objects.for_company(company)
        .filter(category=App.INVOICES)
        .exclude(status=Status.CLOSED)
        .values_list("reference", flat=True)
    )


def invoice_is_disputed(invoice: Invoice) -> bool:
    from requests_inbox.models import Request, Status

    return (
        Request.objects.filter(
            company_id=invoice.company_id, category=App.INVOICES, reference=invoice.number
        )
        .exclude(status=Status.CLOSED)
        .exists()
    )


def dispute_requests(invoice: Invoice) -> list[Any]:
    """The company's My-requests disputes naming this invoice, newest first."""
    from requests_inbox.models import Request

    return list(
        Request.objects.for_company(invoice.company)
        .filter(category=App.INVOICES, reference=invoice.number)
        .select_related("requester")
        .order_by("-created_at")[:10]
    )


def settlements(invoice: Invoice) -> dict[str, list[Any]]:
    """What settled the invoice: payment allocations and credit notes (statements' rows,
    reached through the invoice's own relations, so they stay in its company)."""
    return {
        "allocations": list(
            invoice.payment_allocations.select_related("payment").order_by("payment__date")
        ),
        "credit_notes": list(invoice.credit_notes.order_by("date", "number")),
    }


CURRENCIES_SQL = """
WITH RECURSIVE found(currency) AS (
    SELECT (SELECT currency FROM invoices_invoice WHERE company_id = %s
            ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT i.currency FROM invoices_invoice i
            WHERE i.company_id = %s AND i.currency > found.currency
            ORDER BY i.currency LIMIT 1)
    FROM found WHERE found.currency IS NOT NULL
)
SELECT currency FROM found WHERE currency IS NOT NULL
"""


def currencies_of(company: Company) -> list[str]:
    """The currencies the company's invoices use, for the list's filter.

    A "loose index scan" on (company, currency): one index probe per currency,
    where SELECT DISTINCT would read every invoice of the company."""
    with connection.cursor() as cursor:
        cursor.execute(CURRENCIES_SQL, [company.pk, company.pk])
        return [row[0] for row in cursor.fetchall()]


def selected_invoices(company: Company, numbers: list[str]) -> QuerySet[Invoice]:
    """The company's invoices among `numbers` (a ZIP selection), by number."""
    return (
        Invoice.objects.for_company(company)
        .filter(number__in=numbers)
        .select_related("company", "billing_account")
        .order_by("number")
    )


def member_or_address(company: Company, address: str) -> User | str:
    """The active member of the company with this address (her copy also goes to her
    notification centre), else the address itself."""
    user = User.objects.filter(
        email__iexact=address, is_active=True, memberships__company=company
    ).first()
    return user if user is not None else address
