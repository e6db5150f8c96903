"""Agents see invoices with lines and history, edit lines (totals follow) and announce them."""

from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from invoices.models import Invoice, InvoiceEvent
from portal.models import Event
from tests.conftest import login_agent
from tests.factories.portal import UserFactory, member
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


def test_agent_edits_a_line_and_the_totals_and_version_follow(agent_client, company):
    invoice = InvoiceFactory(company=company)
    line = invoice.lines.get()
    url = reverse("admin:invoices_invoice_change", args=[invoice.pk])
    form = agent_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "company": company.pk,
            "billing_account": invoice.billing_account.pk,
            "country": invoice.country.pk,
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "created_at_0": invoice.created_at.date().isoformat(),
            "created_at_1": "10:00:00",
            "decided_by": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": line.pk,
            "lines-0-invoice": invoice.pk,
            "lines-0-position": "1",
            "lines-0-part_number": "P1",
            "lines-0-description": "Two things",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "50.00",
            "lines-0-tax_rate": "10",
            "lines-0-line_total": "100.00",
            "share_links-TOTAL_FORMS": "0",
            "share_links-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )
    data.pop("created_at", None)
    response = agent_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.total == Decimal("110.00")
    assert invoice.version == 2
    assert invoice.events.filter(action="changed").exists()


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
