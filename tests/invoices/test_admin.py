"""Agents see invoices with lines and history (read-only) and announce them."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from invoices.models import Invoice, InvoiceEvent
from portal.models import Event
from tests.conftest import login_agent
from tests.factories.portal import CompanyFactory, UserFactory, member
from tests.invoices.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    from portal.agents import make_agent

    agent = UserFactory(email="agent@cs.test")
    make_agent([agent])
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login_agent(client, agent)
    return client


def test_agent_sees_lines_and_history(agent_client, company):
    invoice = InvoiceFactory(company=company, number="F-ADM")
    InvoiceEvent.objects.create(invoice=invoice, action="copy_sent", detail={"to": ["a@b.test"]})
    listing = agent_client.get(reverse("admin:invoices_invoice_changelist"), {"q": "F-ADM"})
    assert "F-ADM" in listing.text
    page = agent_client.get(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200
    assert "Server maintenance, 12 months" in page.text
    assert "a@b.test" in page.text


def test_invoices_are_read_only_for_agents_even_a_disputed_one(agent_client, company):
    """Setting a disputed invoice Approved, moving it to another company or changing a
    unit price without its totals used to save; now the page is read-only and a post is
    refused with nothing changed."""
    invoice = InvoiceFactory(company=company, approval_status="disputed")
    line = invoice.lines.get()
    url = reverse("admin:invoices_invoice_change", args=[invoice.pk])
    page = agent_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ["approval_status", "company", "total", "lines-0-unit_price"]:
        assert f'name="{name}"' not in html
    other = CompanyFactory()
    response = agent_client.post(
        url,
        {
            "company": other.pk,
            "approval_status": "approved",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": line.pk,
            "lines-0-unit_price": "1.00",
        },
    )
    assert response.status_code == 403
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.company, invoice.approval_status) == (company, "disputed")
    assert invoice.lines.get().unit_price == line.unit_price
    assert agent_client.get(reverse("admin:invoices_invoice_add")).status_code == 403


def test_announce_action_mails_opted_in_users_once(
    agent_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    member(company, email="fan@acme.test", notification_prefs={Event.INVOICE_NEW: True})
    invoice = InvoiceFactory(company=company, number="F-ANN")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            agent_client.post(
                reverse("admin:invoices_invoice_changelist"),
                {"action": "announce", "_selected_action": [invoice.pk]},
            )
    assert [m.to for m in mailoutbox] == [["fan@acme.test"]]
    assert "F-ANN" in mailoutbox[0].subject
