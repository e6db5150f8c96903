"""The team lead's dashboard in the admin, with its CSV export (figures: desk_figures)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exports import Column, csv_response
from requests_inbox.desk_figures import DEFAULT_DAYS, desk_figures

DAY_COLUMNS = [
    Column(gettext_lazy("day"), lambda d: d.day),
    Column(gettext_lazy("received"), lambda d: d.received),
    Column(gettext_lazy("answered"), lambda d: d.answered),
    Column(gettext_lazy("answered within the promise"), lambda d: d.within_promise),
    Column(gettext_lazy("share within the promise (%)"), lambda d: d.share_within_promise),
]
PERIODS = [7, 14, 30, 90]


def dashboard_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    days = days if days in PERIODS else DEFAULT_DAYS
    figures = desk_figures(days=days)
    if request.GET.get("format") == "csv":
        return csv_response(figures.days, DAY_COLUMNS, f"requests-{figures.start}-{figures.end}")
    return TemplateResponse(
        request,
        "admin/requests_inbox/request/dashboard.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Customer service dashboard"),
            "opts": model_admin.model._meta,
            "figures": figures,
            "days": days,
            "periods": PERIODS,
        },
    )
