"""Every URL of Order Status Online in the authorization matrix."""

from orders.models import ReportSchedule
from tests.orders.factories import OrderFactory, SavedReportFactory
from tests.security.matrix import Route


def _order(company, user):
    return {"number": OrderFactory(company=company).number}


def _saved(company, user):
    return {"key": str(SavedReportFactory(company=company, owner=user).pk)}


def _schedule(company, user):
    schedule = ReportSchedule.objects.create(
        company=company, owner=user, report_key="open-orders", frequency="weekly", format="csv"
    )
    return {"pk": schedule.pk}


ROUTES = [
    Route("orders:list", app="orders"),
    Route("orders:export", app="orders"),
    Route("orders:detail", app="orders", kwargs=_order),
    Route("orders:reports", app="orders"),
    Route(
        "orders:report_save",
        app="orders",
        method="POST",
        data=lambda c, u: {"name": "Open in France", "query": "status=open"},
        ok=(302,),
    ),
    Route("orders:report", app="orders", kwargs=_saved),
    Route(
        "orders:report_download",
        app="orders",
        kwargs=lambda c, u: {**_saved(c, u), "fmt": "csv"},
    ),
    Route("orders:report_email", app="orders", kwargs=_saved),
    Route(
        "orders:report_schedule",
        app="orders",
        kwargs=_saved,
        method="POST",
        data=lambda c, u: {"frequency": "weekly", "format": "pdf"},
        ok=(302,),
    ),
    Route("orders:report_delete", app="orders", kwargs=_saved, method="POST", ok=(302,)),
    Route("orders:schedule_delete", app="orders", kwargs=_schedule, method="POST", ok=(302,)),
    Route("orders:guest", public=True),
]
