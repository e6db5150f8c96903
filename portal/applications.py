"""The catalogue of online applications and the hooks apps register into.

`portal` never imports an app: each app registers its home-page figures from
its AppConfig.ready() with `register_home_figures`. The figures aggregate a
company's whole business: they are kept through `portal.company_cache` (a minute,
dropped as soon as a row of the company changes).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.company_cache import company_cached


class App(models.TextChoices):
    CONTRACTS = "contracts", _("Contracts OnLine")
    ORDERS = "orders", _("Order Status Online")
    INVOICES = "invoices", _("Invoices On-Line")
    STATEMENTS = "statements", _("Statements OnLine")
    INVENTORY = "inventory", _("Inventory and maintenance")
    REQUESTS = "requests", _("My requests")


@dataclass(frozen=True)
class AppInfo:
    code: str
    url_name: str
    summary: Any
    open_to_members: bool = False
    """Every member of the company may use it without asking (own data only), unless
    an administrator refused or revoked it: writing to customer service is never
    behind a request for access."""

    @property
    def url(self) -> str:
        """The application's entry page ('' when its URL name does not resolve)."""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""

    @property
    def label(self) -> Any:
        return App(self.code).label


CATALOGUE: dict[str, AppInfo] = {
    App.CONTRACTS: AppInfo(
        App.CONTRACTS,
        "contracts:list",
        _("Submit, approve, sign and follow your contracts; get notified before they expire."),
    ),
    App.ORDERS: AppInfo(
        App.ORDERS,
        "orders:list",
        _("Track hardware and software orders up to delivery, with carrier links and reports."),
    ),
    App.INVOICES: AppInfo(
        App.INVOICES,
        "invoices:list",
        _("See the image of your invoices, send a copy, download them and approve them."),
    ),
    App.STATEMENTS: AppInfo(
        App.STATEMENTS,
        "statements:list",
        _("Your account statements: invoices, credit notes and payments, to search and download."),
    ),
    App.INVENTORY: AppInfo(
        App.INVENTORY,
        "inventory:home",
        _("Installed hardware and software by site, maintenance, leases and update requests."),
    ),
    App.REQUESTS: AppInfo(
        App.REQUESTS,
        "requests_inbox:list",
        _("Write to customer service, exchange documents and keep the history of your requests."),
        open_to_members=True,
    ),
}


@dataclass(frozen=True)
class Figure:
    label: Any
    value: Any
    url: str = ""
    trend: Any = None  # a portal.charts.Sparkline drawn next to the value (optional)


FigureProvider = Callable[[Any, Any], list[Figure]]
_home_figures: dict[str, FigureProvider] = {}


def register_home_figures(app_code: str, provider: FigureProvider) -> None:
    """Called by an app's ready(): provider(company, user) -> a few live figures."""
    _home_figures[app_code] = provider


def home_figures(app_code: str, company: Any, user: Any) -> list[Figure]:
    provider = _home_figures.get(app_code)
    if provider is None:
        return []
    key = f"home-figures:{app_code}:{user.pk}:{get_language()}"
    return company_cached(company.pk, key, lambda: provider(company, user))
