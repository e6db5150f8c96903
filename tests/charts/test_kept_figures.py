"""A list chart's figures are kept a minute per company and filters (portal.charts
`cached_figures`): a change of the company's rows shows on the next page, another
selection or company never gets them, and the chart's text follows the reader's language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import PaymentStatus
from portal.company_cache import company_changed
from tests.conftest import login
from tests.invoices.factories import InvoiceFactory
from tests.requests_inbox.factories import MessageFactory, RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings, company, other_company):
    settings.COMPANY_CACHE_SECONDS = 60
    company_changed(company.pk)
    company_changed(other_company.pk)


def _open_this_month(client, **params) -> Decimal:
    """The invoice chart's open amount (not yet overdue + overdue) in this month's bar."""
    charts = client.get(reverse("invoices:list"), params).context["due_charts"]
    if not charts:
        return Decimal("0")
    month = timezone.localdate().strftime("%B %Y")
    row = next(c for c in charts[0].categories if c.name == month)
    return sum(row.numbers, Decimal("0"))


def test_invoice_chart_follows_a_new_invoice_and_each_selection(
    kept, client, approver, company, django_capture_on_commit_callbacks
):
    login(client, approver, company)
    today = timezone.localdate()
    assert _open_this_month(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, due_date=today, payment_status=PaymentStatus.OPEN)
    assert _open_this_month(client) == Decimal("1200.00")
    assert _open_this_month(client, payment="paid") == 0
    assert _open_this_month(client, sort="-total") == Decimal("1200.00")
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, due_date=today, payment_status=PaymentStatus.OPEN)
    assert _open_this_month(client) == Decimal("2400.00")


def test_invoice_chart_is_never_another_companys(
    kept, client, approver, outsider, company, other_company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, due_date=timezone.localdate())
    login(client, approver, company)
    assert _open_this_month(client) == Decimal("1200.00")
    client.logout()
    login(client, outsider, other_company)
    assert _open_this_month(client) == 0


def test_kept_invoice_chart_reads_in_each_language(
    kept, client, approver, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company, due_date=timezone.localdate())
    login(client, approver, company)
    english = client.get(reverse("invoices:list"), HTTP_ACCEPT_LANGUAGE="en")
    approver.preferred_language = "fr"
    approver.save(update_fields=["preferred_language"])
    french = client.get(reverse("invoices:list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Open amount by due month (EUR)" in english.content.decode()
    assert "Open amount by due month (EUR)" not in french.content.decode()
    assert french.context["due_charts"][0].categories[-1].numbers == (
        english.context["due_charts"][0].categories[-1].numbers
    )


def test_request_chart_follows_a_new_request_and_a_first_answer(
    kept, client, company_admin, company, django_capture_on_commit_callbacks
):
    login(client, company_admin, company)

    def this_month():
        bars, share = client.get(reverse("requests_inbox:list")).context["request_charts"]
        return bars.categories[-1].numbers[0], share.categories[-1].numbers[0]

    assert this_month() == (0, None)
    with django_capture_on_commit_callbacks(execute=True):
        request = RequestFactory(company=company, requester=company_admin)
    assert this_month() == (1, None)
    with django_capture_on_commit_callbacks(execute=True):
        MessageFactory(
            request=request,
            is_agent=True,
            created_at=request.created_at + timedelta(minutes=5),
        )
    assert this_month() == (1, 100.0)
