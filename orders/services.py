"""Order services: status history, custom reports, report e-mails and schedules.

Keyword-only, typed, atomic; rule violations raise ValidationError with a code.
E-mails go through the outbox (portal.notify) with the generated file stored
privately (portal.files.store_bytes) and attached, or with a link to the report.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from orders.filters import OrderFilter
from orders.models import (
    Order,
    OrderStatus,
    OrderStatusChange,
    ReportFormat,
    ReportFrequency,
    ReportSchedule,
    SavedReport,
)
from orders.report_files import CONTENT_TYPES, report_bytes
from orders.reports import STANDARD_REPORTS, Report, resolve_report
from portal.access import has_app_role
from portal.applications import App
from portal.files import atomic_with_files, discard, store_bytes
from portal.form_fields import email_list
from portal.jobs import job_start
from portal.models import Company, Event, Job, Membership, Notification, User
from portal.notify import company_url, notify

MAX_RECIPIENTS = 10
EMAIL_TEMPLATE = "orders_report"
REPORT_EMAIL_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def order_status_change(
    *, order: Order, status: str, at: datetime.datetime | None = None, note: str = ""
) -> Order:
    """Move an order to `status` and keep the step for the timeline."""
    if status not in OrderStatus.values:
        raise ValidationError(_("Unknown order status."), code="bad_status")
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    OrderStatusChange.objects.create(
        company_id=order.company_id, order=order, status=status, at=at or timezone.now(), note=note
    )
    return order


@transaction.atomic
def saved_report_create(
    *, company: Company, owner: User, name: str, query: str, shared: bool
) -> SavedReport:
    """Save the list's current filters under a name (only valid filters are kept)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the report a name."), code="no_name")
    filterset = OrderFilter(QueryDict(query or ""), queryset=Order.objects.none(), company=company)
    clean_query = filterset.query_string()
    return SavedReport.objects.create(
        company=company, owner=owner, name=name[:100], query=clean_query, shared=shared
    )


@transaction.atomic
def saved_report_delete(*, report: SavedReport, user: User) -> None:
    if report.owner_id != user.pk:
        raise ValidationError(_("Only the owner can delete this report."), code="not_owner")
    report.delete()


def _report_link(report: Report, company: Company) -> str:
    """The report's page in `company`: a standard report has the same address in every
    company, so the link names the company (a user of several lands in the right one)."""
    return company_url(company, "orders:report", key=report.key)


def _attachment(
    report: Report, fmt: str, *, company: Company, user: User | None, language: str
) -> tuple[Any, dict[str, str]]:
    data = report_bytes(report, fmt, company=company, language=language)
    filename = f"{report.filename()}.{fmt}"
    stored = store_bytes(
        data, name=filename, content_type=CONTENT_TYPES[fmt], company=company, user=user
    )
    return stored, {
        "storage_name": stored.storage_name,
        "filename": filename,
        "content_type": CONTENT_TYPES[fmt],
    }


def _context(report: Report, company: Company, sender: User | None, attached: bool) -> dict:
    # The subject never carries text a user typed (a saved report's name): the standard
    # report's title or a fixed label, so a report e-mail cannot be turned into spam.
    standard = STANDARD_REPORTS.get(report.key)
    return {
        "subject_title": str(standard.title if standard else _("Custom order report")),
        "report_title": str(report.title),
        "company_name": company.name,
        "sender": str(sender) if sender else "",
        "link": _report_link(report, company),
        "attached": attached,
    }


def report_recipients_check(*, company: Company, recipients: list[str]) -> None:
    """Reports go to colleagues (members of the company) or to the domains the company
    administrator allows, never to any address typed in (no open relay)."""
    colleagues = set(
        Membership.objects.for_company(company)
        .filter(user__email__in=recipients)
        .values_list("user__email", flat=True)
    )
    colleagues = {address.lower() for address in colleagues}
    allowed = set(company.report_domains)
    refused = [
        address
        for address in recipients
        if address not in colleagues and address.rpartition("@")[2] not in allowed
    ]
    if refused:
        raise ValidationError(
            _(
                "Reports can be e-mailed only to colleagues of your company or to the domains "
                "your company administrator allows: %(addresses)s is not allowed."
            ),
            code="recipient_not_allowed",
            params={"addresses": ", ".join(refused[:3])},
        )


def report_email_quota_check(*, company: Company, sender: User) -> None:
    """At most REPORT_EMAILS_PER_HOUR_USER report e-mails an hour per user and
    REPORT_EMAILS_PER_HOUR_COMPANY per company, counted on the jobs that send them.
    (A local counter until the portal's shared limiter covers it.)"""
    from orders.jobs import REPORT_EMAIL_KIND

    since = timezone.now() - REPORT_EMAIL_WINDOW
    sent = Job.objects.for_company(company).filter(kind=REPORT_EMAIL_KIND, created_at__gte=since)
    if sent.filter(user=sender).count() >= settings.REPORT_EMAILS_PER_HOUR_USER:
        raise ValidationError(
            _("You have sent %(max)d reports in the last hour. Please try again later."),
            code="user_quota",
            params={"max": settings.REPORT_EMAILS_PER_HOUR_USER},
        )
    if sent.count() >= settings.REPORT_EMAILS_PER_HOUR_COMPANY:
        raise ValidationError(
            _("Your company has sent %(max)d reports in the last hour. Please try again later."),
            code="company_quota",
            params={"max": settings.REPORT_EMAILS_PER_HOUR_COMPANY},
        )


def _check_request(recipients: list[str], fmt: str) -> list[str]:
    """The recipients, checked like the form's field does (portal.form_fields)."""
    if fmt not in ReportFormat.values:
        raise ValidationError(_("Unknown file format."), code="bad_format")
    return email_list(recipients, max_addresses=MAX_RECIPIENTS)


def report_email_request(
    *,
    company: Company,
    sender: User,
    report: Report,
    recipients: list[str],
    fmt: str,
    attach: bool,
) -> Job:
    """Check who may receive the report and the quotas, then let a worker render and send
    it (portal.jobs): the attachments are never rendered inside the web request."""
    from orders.jobs import REPORT_EMAIL_KIND

    recipients = _check_request(recipients, fmt)
    report_recipients_check(company=company, recipients=recipients)
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        report_email_quota_check(company=company, sender=sender)
        return job_start(
            company=company,
            user=sender,
            kind=REPORT_EMAIL_KIND,
            params={"key": report.key, "recipients": recipients, "fmt": fmt, "attach": attach},
            total=len(recipients),
        )


def report_email(
    *,
    company: Company,
    sender: User,
    report: Report,
    recipients: list[str],
    fmt: str,
    attach: bool,
    progress: Callable[[int], None] | None = None,
) -> list[Notification]:
    """E-mail a report to addresses (a colleague's address gets their language and preferences).

    The file is rendered once per language and stored privately; the outbox sends it attached.
    Runs in the worker (report_email_request starts it); recipients are checked again here.
    """
    recipients = _check_request(recipients, fmt)
    report_recipients_check(company=company, recipients=recipients)
    colleagues = {
        m.user.email.lower(): m.user
        for m in Membership.objects.for_company(company)
        .filter(user__email__in=recipients)
        .select_related("user")
    }
    rows: list[Notification] = []
    files: dict[str, dict[str, str]] = {}
    with atomic_with_files() as stored:
        for address in recipients:
            user = colleagues.get(address)
            language = user.preferred_language if user else sender.preferred_language
            attachments = []
            if attach:
                if language not in files:
                    with translation.override(language):
                        blob, files[language] = _attachment(
                            report, fmt, company=company, user=sender, language=language
                        )
                    stored.append(blob)
                attachments = [files[language]]
            with translation.override(language):
                context = _context(report, company, sender, attach)
            row = notify(
                event=Event.ORDER_REPORT,
                template=EMAIL_TEMPLATE,
                recipient=user or address,
                context=context,
                company=company,
                language=language,
                attachments=attachments,
            )
            if row is not None:
                rows.append(row)
            if progress is not None:
                progress(len(rows))
    return rows


@transaction.atomic
def report_schedule_create(
    *, company: Company, owner: User, report_key: str, frequency: str, fmt: str
) -> ReportSchedule:
    """Send a report to its owner every week or month (the owner must be able to see it)."""
    if frequency not in ReportFrequency.values:
        raise ValidationError(_("Choose weekly or monthly."), code="bad_frequency")
    if fmt not in ReportFormat.values:
        raise ValidationError(_("Unknown file format."), code="bad_format")
    report = resolve_report(company, owner, report_key)
    try:
        with transaction.atomic():
            return ReportSchedule.objects.create(
                company=company,
                owner=owner,
                report_key=report.key,
                saved_report=report.saved,
                frequency=frequency,
                format=fmt,
            )
    except IntegrityError:
        raise ValidationError(
            _("This report is already scheduled at that frequency."), code="duplicate"
        ) from None


@transaction.atomic
def report_schedule_delete(*, schedule: ReportSchedule, user: User) -> None:
    if schedule.owner_id != user.pk:
        raise ValidationError(_("Only the owner can stop this schedule."), code="not_owner")
    schedule.delete()


def schedule_period(schedule: ReportSchedule, today: datetime.date) -> str:
    """The period a send belongs to: ISO week for weekly, month for monthly."""
    if schedule.frequency == ReportFrequency.MONTHLY:
        return f"{today:%Y-%m}"
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def dedupe_key(schedule: ReportSchedule, today: datetime.date) -> str:
    return f"orders:report:{schedule.pk}:{schedule_period(schedule, today)}"


def scheduled_reports_send(*, today: datetime.date | None = None) -> int:
    """Send every schedule not yet sent in its current period; exactly once thanks to dedupe_key.

    A schedule whose owner lost the application (or the report) is skipped, not sent.
    """
    today = today or timezone.localdate()
    sent = 0
    schedules = ReportSchedule.objects.select_related("owner", "company__country")
    for schedule in schedules.iterator():
        key = dedupe_key(schedule, today)
        if Notification.objects.filter(dedupe_key=key).exists():
            continue
        owner, company = schedule.owner, schedule.company
        if not owner.is_active or not has_app_role(owner, company, App.ORDERS):
            continue
        if schedule.report_key not in STANDARD_REPORTS and schedule.saved_report_id is None:
            continue
        try:
            report = resolve_report(company, owner, schedule.report_key)
        except Http404:
            continue
        language = owner.preferred_language
        with atomic_with_files() as stored:
            blob, attachment = _attachment(
                report, schedule.format, company=company, user=owner, language=language
            )
            stored.append(blob)
            with translation.override(language):
                context = _context(report, company, None, True)
            context["frequency"] = schedule.frequency
            context["schedules_link"] = company_url(company, "orders:reports")
            row = notify(
                event=Event.ORDER_REPORT,
                template=EMAIL_TEMPLATE,
                recipient=owner,
                context=context,
                company=company,
                attachments=[attachment],
                dedupe_key=key,
            )
        if row is not None and row.attachments == [attachment]:
            sent += 1
        elif row is not None:  # a concurrent run queued this period first: drop our copy
            discard([blob])
            blob.delete()
    return sent
