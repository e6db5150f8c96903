"""Home figures are kept a minute per company and user, and a change made in the portal
(any row of the company saved or deleted) shows on the next home page at once."""

import pytest

from invoices.models import ApprovalStatus, Invoice
from portal.applications import home_figures
from portal.company_cache import company_changed
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def to_verify(company, user) -> int:
    figures = {str(f.label): f.value for f in home_figures("invoices", company, user)}
    return figures["Invoices to verify"]


@pytest.fixture
def cached(settings, company, other_company):
    settings.COMPANY_CACHE_SECONDS = 60
    company_changed(company.pk)  # nothing from an earlier test with the same ids
    company_changed(other_company.pk)


def test_a_change_made_in_the_portal_shows_at_once(
    cached, company, other_company, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = InvoiceFactory(company=company)
    assert to_verify(company, viewer) == 1

    # A bulk update (a nightly scan) sends no signal: the kept figure waits its minute.
    Invoice.objects.filter(pk=first.pk).update(approval_status=ApprovalStatus.APPROVED)
    assert to_verify(company, viewer) == 1

    # Another company's change leaves this company's figures alone.
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=other_company)
    assert to_verify(company, viewer) == 1

    # A row of the company saved (here a new invoice) refreshes them, bulk change included.
    with django_capture_on_commit_callbacks(execute=True):
        InvoiceFactory(company=company)
    assert to_verify(company, viewer) == 1  # the new one; the first is approved now

    with django_capture_on_commit_callbacks(execute=True):
        Invoice.objects.get(pk=first.pk).delete()
    assert to_verify(company, viewer) == 1


def test_figures_are_kept_per_language(cached, company, viewer):
    from django.utils import translation

    with translation.override("fr"):
        labels_fr = [str(f.label) for f in home_figures("invoices", company, viewer)]
    labels_en = [str(f.label) for f in home_figures("invoices", company, viewer)]
    assert "Invoices to verify" in labels_en and "Invoices to verify" not in labels_fr
