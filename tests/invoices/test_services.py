"""Services of Invoices On-Line: issuing, notifications, the overdue scan, disputes, decisions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.approval import invoice_decide
from invoices.disputes import invoice_dispute
from invoices.issuing import invoice_issue
from invoices.models import ApprovalStatus, Invoice, InvoiceEvent, PaymentStatus
from invoices.overdue import invoice_overdue_scan
from portal.models import Event, Notification
from tests.conftest import login
from tests.factories.portal import member
from tests.invoices.factories import BillingAccountFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def _issue(company, number="F-NEW-1", **extra):
    account = BillingAccountFactory(company=company)
    return invoice_issue(
        company=company,
        billing_account=account,
        number=number,
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        lines=[
            {"part_number": "A1", "description": "Licence", "quantity": 3, "unit_price": "100.00"},
            {
                "description": "Books",
                "quantity": "2",
                "unit_price": "10.005",
                "tax_rate": "5.5",
            },
        ],
        **extra,
    )


def test_issue_computes_totals_and_history(company):
    invoice = _issue(company)
    assert invoice.subtotal == Decimal("320.01")
    assert invoice.tax_total == Decimal("61.10")  # 60.00 + 1.10
    assert invoice.total == Decimal("381.11")
    assert [line.position for line in invoice.lines.all()] == [1, 2]
    assert invoice.events.get().action == InvoiceEvent.Action.ISSUED


def test_issue_refuses_duplicates_and_bad_dates(company):
    _issue(company)
    with pytest.raises(ValidationError) as exc:
        _issue(company)
    assert exc.value.code == "duplicate"
    account = BillingAccountFactory(company=company)
    with pytest.raises(ValidationError) as exc:
        invoice_issue(
            company=company,
            billing_account=account,
            number="X",
            issue_date=date(2026, 1, 2),
            due_date=date(2026, 1, 1),
            lines=[{"description": "x", "unit_price": 1}],
        )
    assert exc.value.code == "due_before"


def test_new_invoice_mails_only_opted_in_users_with_the_invoices_app(
    company, mailoutbox, django_capture_on_commit_callbacks
):
    wants = member(company, email="wants@acme.test", notification_prefs={Event.INVOICE_NEW: True})
    member(company, email="default@acme.test")  # opt-in event: off by default
    member(
        company,
        email="orders-only@acme.test",
        apps=["orders"],
        notification_prefs={Event.INVOICE_NEW: True},
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = _issue(company)
    assert [m.to for m in mailoutbox] == [[wants.email]]
    assert "New invoice F-NEW-1" in mailoutbox[0].subject
    assert reverse("invoices:detail", args=[invoice.number]) in mailoutbox[0].body


def test_overdue_scan_flags_once_and_mails_once_per_user(
    company, mailoutbox, django_capture_on_commit_callbacks
):
    member(company, email="late@acme.test", notification_prefs={Event.INVOICE_OVERDUE: True})
    late = InvoiceFactory(
        company=company, due_date=date.today() - timedelta(days=1), number="F-LATE"
    )
    InvoiceFactory(company=company, due_date=date.today() + timedelta(days=1))
    InvoiceFactory(
        company=company,
        due_date=date.today() - timedelta(days=9),
        payment_status=PaymentStatus.PAID,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_overdue_scan() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_overdue_scan() == 0
    late.refresh_from_db()
    assert late.payment_status == PaymentStatus.OVERDUE
    assert [m.subject for m in mailoutbox] == ["Invoice F-LATE is overdue"]
    # even if the flag were reset, the dedupe key keeps it to one e-mail per invoice and user
    Invoice.objects.filter(pk=late.pk).update(payment_status=PaymentStatus.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_overdue_scan()
    assert Notification.objects.filter(template="invoices_overdue").count() == 1
    assert len(mailoutbox) == 1


def test_overdue_scan_is_the_beat_task(settings):
    from invoices import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["invoices-overdue-scan"]
    assert entry["task"] == tasks.overdue_scan.name


def test_dispute_opens_a_request_and_shows_disputed_until_closed(
    approver_client, approver, company
):
    from requests_inbox.models import Request
    from requests_inbox.services import request_close

    invoice = InvoiceFactory(
        company=company,
        number="F-DISP",
        lines=[
            {"description": "Wrong part", "unit_price": Decimal("10")},
            {"description": "Fine part", "unit_price": Decimal("20")},
        ],
    )
    page = approver_client.get(reverse("invoices:dispute", args=[invoice.number]))
    assert "Wrong part" in page.text
    response = approver_client.post(
        reverse("invoices:dispute", args=[invoice.number]),
        {
            "lines": ["1"],
            "reason": "Part 1 was never delivered.",
            "attachment": SimpleUploadedFile("note.txt", b"delivery note 42", "text/plain"),
        },
        follow=True,
    )
    request = Request.objects.get()
    assert f"request {request.number}" in response.text
    assert request.category == "invoices"
    assert request.reference == "F-DISP"
    assert request.payload["lines"][0]["description"] == "Wrong part"
    assert request.messages.get().attachments.get().original_name == "note.txt"
    detail = approver_client.get(invoice.get_absolute_url())
    assert "This invoice is disputed" in detail.text
    assert "Approve" not in detail.text
    listing = approver_client.get(reverse("invoices:list"), {"approval": "disputed"})
    assert [i.number for i in listing.context["page"].object_list] == ["F-DISP"]
    export = approver_client.get(reverse("invoices:export"), {"fmt": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[1].startswith("F-DISP,") and rows[1].endswith(",Open,Disputed")
    with pytest.raises(ValidationError) as exc:
        invoice_decide(
            company=company, number="F-DISP", user=approver, decision="approve", version=1
        )
    assert exc.value.code == "disputed"
    with pytest.raises(ValidationError):
        invoice_dispute(company=company, number="F-DISP", user=approver, reason="again")

    request_close(request=request, user=approver)
    detail = approver_client.get(invoice.get_absolute_url())
    assert "This invoice is disputed" not in detail.text
    assert "Approve" in detail.text
    assert invoice.events.filter(action=InvoiceEvent.Action.DISPUTED).exists()


def test_dispute_with_unknown_lines_or_no_reason(approver, company):
    invoice = InvoiceFactory(company=company)
    with pytest.raises(ValidationError) as exc:
        invoice_dispute(
            company=company, number=invoice.number, user=approver, reason="x", line_positions=[7]
        )
    assert exc.value.code == "bad_lines"
    with pytest.raises(ValidationError) as exc:
        invoice_dispute(company=company, number=invoice.number, user=approver, reason=" ")
    assert exc.value.code == "no_reason"


def test_reference_resolver_is_scoped(company, other_company):
    from portal.references import resolve_reference

    mine = InvoiceFactory(company=company)
    theirs = InvoiceFactory(company=other_company)
    assert resolve_reference(company, "invoices", mine.number) == mine
    assert resolve_reference(company, "invoices", theirs.number) is None


def test_home_figures(company, viewer, client):
    InvoiceFactory(company=company, due_date=date.today() - timedelta(days=3))
    InvoiceFactory(company=company, approval_status=ApprovalStatus.APPROVED)
    InvoiceFactory(company=company, payment_status=PaymentStatus.PAID)
    from portal.applications import home_figures

    figures = {str(f.label): f.value for f in home_figures("invoices", company, viewer)}
    assert figures == {"Invoices to pay": 2, "Overdue invoices": 1, "Invoices to verify": 2}
    login(client, viewer, company)
    assert "Overdue invoices" in client.get(reverse("portal:home")).text


def test_demo_seed_is_idempotent():
    from invoices import demo
    from portal.demo import seed_platform

    world = seed_platform()
    demo.seed(world)
    count = Invoice.objects.count()
    assert count == demo.PER_COMPANY * len(demo.COMPANIES)
    demo.seed(world)
    assert Invoice.objects.count() == count
    acme = world.companies["0100001"]
    invoice = Invoice.objects.for_company(acme).get(number="FR-INV-2026100")
    assert invoice.total == invoice.subtotal + invoice.tax_total
    assert invoice.lines.exists()
