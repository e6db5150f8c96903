import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from orders import services
from orders.models import LineStatus, OrderStatus, ReportSchedule, SavedReport
from orders.reports import resolve_report
from portal.models import Authorization, Notification, Role
from tests.conftest import login
from tests.factories.portal import member
from tests.orders.factories import (
    OrderFactory,
    OrderLineFactory,
    SavedReportFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db


def report_url(key, name="orders:report", **kw):
    return reverse(name, kwargs={"key": str(key), **kw})


def test_standard_reports_select_the_right_orders(viewer_client, company):
    today = datetime.date.today()
    OrderFactory(company=company, number="OPEN", status=OrderStatus.CONFIRMED)
    done = OrderFactory(company=company, number="DONE", status=OrderStatus.DELIVERED)
    ShipmentFactory(order=done, shipped_on=today - datetime.timedelta(days=3), delivered_on=today)
    old = OrderFactory(company=company, number="OLD", status=OrderStatus.DELIVERED)
    ShipmentFactory(
        order=old,
        shipped_on=today - datetime.timedelta(days=90),
        delivered_on=today - datetime.timedelta(days=80),
    )
    back = OrderFactory(company=company, number="BACK")
    OrderLineFactory(order=back, part_number="WAITING", status=LineStatus.BACK_ORDERED)
    OrderLineFactory(order=back, part_number="READY", status=LineStatus.OPEN)

    def body(key):
        response = viewer_client.get(report_url(key))
        assert response.status_code == 200
        return response.content.decode()

    assert "OPEN" in body("open-orders") and "DONE" not in body("open-orders")
    shipped = body("shipped-last-30-days")
    assert "DONE" in shipped and "OLD" not in shipped
    backordered = body("back-ordered-lines")
    assert "WAITING" in backordered and "READY" not in backordered
    delivered = body("delivered-this-month")
    assert "DONE" in delivered and ">OLD<" not in delivered


def test_save_custom_report_from_list_filters(viewer_client, viewer, company):
    OrderFactory(company=company, number="K1", status=OrderStatus.SHIPPED)
    OrderFactory(company=company, number="K2", status=OrderStatus.CONFIRMED)
    response = viewer_client.post(
        reverse("orders:report_save"),
        {"name": "Shipped", "shared": "on", "query": "status=shipped&sort=number&evil=1"},
    )
    saved = SavedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report_url(saved.pk)
    assert saved.owner == viewer and saved.shared and saved.company == company
    assert saved.query == "status=shipped&sort=number"
    body = viewer_client.get(report_url(saved.pk)).content.decode()
    assert "K1" in body and "K2" not in body


def test_save_without_name_is_refused(viewer_client):
    response = viewer_client.post(
        reverse("orders:report_save"), {"name": "", "query": "status=open"}, follow=True
    )
    assert SavedReport.objects.count() == 0
    assert "Give the report a name" in response.content.decode()


def test_private_report_of_a_colleague_is_404_shared_one_visible(client, company, viewer):
    colleague = member(company, role=Role.VIEWER)
    private = SavedReportFactory(company=company, owner=colleague, shared=False, name="Mine only")
    shared = SavedReportFactory(company=company, owner=colleague, shared=True, name="For all")
    login(client, viewer, company)
    assert client.get(report_url(private.pk)).status_code == 404
    assert (
        client.get(report_url(private.pk, "orders:report_download", fmt="csv")).status_code == 404
    )
    assert client.get(report_url(shared.pk)).status_code == 200
    listing = client.get(reverse("orders:reports")).content.decode()
    assert "For all" in listing and "Mine only" not in listing
    # a shared report can be used but not deleted by a colleague
    client.post(report_url(shared.pk, "orders:report_delete"))
    assert SavedReport.objects.filter(pk=shared.pk).exists()


def test_report_of_another_company_is_404(viewer_client, other_company, outsider):
    foreign = SavedReportFactory(company=other_company, owner=outsider, shared=True)
    for name, extra in [
        ("orders:report", {}),
        ("orders:report_download", {"fmt": "pdf"}),
        ("orders:report_email", {}),
    ]:
        assert viewer_client.get(report_url(foreign.pk, name, **extra)).status_code == 404


@pytest.mark.parametrize("key", ["nope", "0", "99999999999999999999999", "-1"])
def test_unknown_report_keys_are_404(viewer_client, key):
    assert viewer_client.get(report_url(key)).status_code == 404


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_report_spreadsheet_is_named_after_its_report(client, company, language):
    from django.utils import translation

    from orders.reports import STANDARD_REPORTS
    from portal.exports import sheet_title
    from tests.conftest import login
    from tests.factories.portal import member

    OrderFactory(company=company, number="D-1", status=OrderStatus.CONFIRMED, total="10.00")
    user = member(company, email=f"sheets-{language}@acme.test", preferred_language=language)
    login(client, user, company)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    for key, report in STANDARD_REPORTS.items():
        xlsx = client.get(report_url(key, "orders:report_download", fmt="xlsx"))
        sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
        with translation.override(language):
            assert sheet.title == sheet_title(report.title) != "Export", key


def test_downloads_csv_xlsx_pdf(viewer_client, company):
    OrderFactory(company=company, number="D-1", status=OrderStatus.CONFIRMED, total="10.00")
    csv = viewer_client.get(report_url("open-orders", "orders:report_download", fmt="csv"))
    assert "D-1" in b"".join(csv.streaming_content).decode()
    xlsx = viewer_client.get(report_url("open-orders", "orders:report_download", fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][0] == "D-1"
    pdf = viewer_client.get(report_url("open-orders", "orders:report_download", fmt="pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        viewer_client.get(
            report_url("open-orders", "orders:report_download", fmt="exe")
        ).status_code
        == 404
    )


def test_a_large_report_download_is_built_by_a_worker(
    viewer_client, company, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    for number in ("J-1", "J-2"):
        OrderFactory(company=company, number=number, status=OrderStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.get(report_url("open-orders", "orders:report_download", fmt="csv"))
    assert response.status_code == 302
    assert "Ready" in viewer_client.get(response.url).text
    body = b"".join(viewer_client.get(response.url + "download/").streaming_content).decode()
    assert "J-1" in body and "J-2" in body


def test_pdf_version_changes_with_the_data(company, viewer):
    order = OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    first = resolve_report(company, viewer, "open-orders").version()
    assert resolve_report(company, viewer, "open-orders").version() == first
    order.total = 5
    order.save()
    second = resolve_report(company, viewer, "open-orders").version()
    OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    third = resolve_report(company, viewer, "open-orders").version()
    assert len({first, second, third}) == 3


def test_email_report_with_attachment_through_the_outbox(
    viewer_client, viewer, company, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = member(
        company, role=Role.VIEWER, email="colleague@acme.test", preferred_language="fr"
    )
    OrderFactory(company=company, number="MAIL-1", status=OrderStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(
            report_url("open-orders", "orders:report_email"),
            {
                "recipients": "viewer@acme.test, colleague@acme.test",
                "format": "csv",
                "mode": "attach",
            },
        )
    assert response.status_code == 302
    assert Notification.objects.filter(event="order_report").count() == 2
    by_to = {m.to[0]: m for m in mailoutbox}
    english = by_to["viewer@acme.test"]
    assert "Open orders" in english.subject
    filename, content, mimetype = english.attachments[0]
    assert filename.endswith(".csv") and mimetype == "text/csv"
    assert "MAIL-1" in content.decode() if isinstance(content, bytes) else "MAIL-1" in content
    assert "/orders/reports/open-orders/" in english.body
    assert colleague.email in by_to
    assert (
        "Commandes ouvertes" in by_to[colleague.email].subject
        or "Open orders" in by_to[colleague.email].subject
    )


def test_email_report_as_link(
    viewer_client, company, mailoutbox, django_capture_on_commit_callbacks
):
    company.report_email_domains = "example.com"  # allowed by the company administrator
    company.save()
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post(
            report_url("back-ordered-lines", "orders:report_email"),
            {"recipients": "someone@example.com", "format": "pdf", "mode": "link"},
        )
    (mail,) = mailoutbox
    assert mail.attachments == []
    assert "http" in mail.body and "/orders/reports/back-ordered-lines/" in mail.body


@pytest.mark.parametrize(
    "recipients, message",
    [
        ("not-an-address", "is not a valid e-mail address"),
        (",".join(f"u{i}@example.com" for i in range(11)), "At most 10 addresses"),
        ("", "This field is required"),
    ],
)
def test_email_recipients_are_validated(viewer_client, recipients, message):
    response = viewer_client.post(
        report_url("open-orders", "orders:report_email"),
        {"recipients": recipients, "format": "csv", "mode": "attach"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Notification.objects.count() == 0


def test_schedule_and_send_exactly_once_per_period(
    viewer_client, viewer, company, mailoutbox, django_capture_on_commit_callbacks
):
    OrderFactory(company=company, number="SCH-1", status=OrderStatus.CONFIRMED)
    response = viewer_client.post(
        report_url("open-orders", "orders:report_schedule"),
        {"frequency": "weekly", "format": "xlsx"},
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    monday = datetime.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scheduled_reports_send(today=monday) == 1
        assert services.scheduled_reports_send(today=monday + datetime.timedelta(days=2)) == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][0].endswith(".xlsx")
    assert "weekly" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scheduled_reports_send(today=monday + datetime.timedelta(days=7)) == 1
    assert len(mailoutbox) == 2
    assert (
        Notification.objects.filter(dedupe_key__startswith=f"orders:report:{schedule.pk}:").count()
        == 2
    )


def test_task_name_in_beat_schedule_runs(
    viewer, company, mailoutbox, django_capture_on_commit_callbacks, settings
):
    from orders.tasks import scheduled_reports

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled_reports.name in names
    services.report_schedule_create(
        company=company, owner=viewer, report_key="open-orders", frequency="monthly", fmt="pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_reports.delay()
        scheduled_reports.delay()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][2] == "application/pdf"


def test_schedule_skipped_when_owner_lost_the_application(
    viewer, company, mailoutbox, django_capture_on_commit_callbacks
):
    services.report_schedule_create(
        company=company, owner=viewer, report_key="open-orders", frequency="weekly", fmt="csv"
    )
    Authorization.objects.filter(user=viewer, app="orders").update(
        status=Authorization.Status.REVOKED
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scheduled_reports_send() == 0
    assert mailoutbox == []


def test_duplicate_schedule_is_refused(viewer, company):
    services.report_schedule_create(
        company=company, owner=viewer, report_key="open-orders", frequency="weekly", fmt="csv"
    )
    with pytest.raises(ValidationError):
        services.report_schedule_create(
            company=company, owner=viewer, report_key="open-orders", frequency="weekly", fmt="pdf"
        )


def test_stop_schedule_only_mine(client, viewer, company):
    colleague = member(company, role=Role.VIEWER)
    theirs = ReportSchedule.objects.create(
        company=company, owner=colleague, report_key="open-orders"
    )
    login(client, viewer, company)
    assert (
        client.post(reverse("orders:schedule_delete", kwargs={"pk": theirs.pk})).status_code == 404
    )
    assert ReportSchedule.objects.filter(pk=theirs.pk).exists()


def test_saved_report_with_a_site_removed_still_answers(viewer_client, viewer, company):
    saved = SavedReportFactory(company=company, owner=viewer, query="site=99999&status=open")
    OrderFactory(company=company, number="STILL", status=OrderStatus.CONFIRMED)
    response = viewer_client.get(report_url(saved.pk))
    assert response.status_code == 200
    assert "STILL" in response.content.decode()


def test_order_status_change_writes_the_timeline(company):
    order = OrderFactory(company=company, status=OrderStatus.CONFIRMED)
    services.order_status_change(order=order, status=OrderStatus.SHIPPED)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert list(order.status_changes.values_list("status", flat=True)) == ["shipped"]
    with pytest.raises(ValidationError):
        services.order_status_change(order=order, status="lost")
