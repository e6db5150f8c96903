"""Reads of Order Status Online that are more than a queryset chain."""

from typing import Any

from orders.models import ReportSchedule, SavedReport
from orders.reports import STANDARD_REPORTS
from portal.models import Company, User


def report_list(company: Company, user: User) -> dict[str, Any]:
    """The reports page: the standard reports, the saved ones the user sees (hers and
    those shared in the company) and her schedules, each with its report's title."""
    saved = SavedReport.objects.for_company(company).visible_to(user)
    schedules = ReportSchedule.objects.for_company(company).filter(owner=user)
    titles = {r.key: str(r.title) for r in STANDARD_REPORTS.values()}
    titles.update({str(s.pk): s.name for s in saved})
    return {
        "standard": STANDARD_REPORTS.values(),
        "saved": saved.select_related("owner"),
        "schedules": [
            {"schedule": s, "title": titles.get(s.report_key, s.report_key)} for s in schedules
        ],
    }
