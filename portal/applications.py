"""The catalogue of online applications and the hooks apps register into.

`portal` never imports an app: each app registers its home-page figures from
its AppConfig.ready() with `register_home_figures`.

Home figures are aggregates over a company's whole business (100,000 invoices, a
300,000-entry ledger): computed once, they are kept HOME_FIGURES_SECONDS (60 s) per
company, user and language. Any row of the company saved or deleted bumps the
company's figures version (on commit), so a change made through the portal shows on
the next home page at once; only bulk updates (nightly scans, imports) wait for the
minute to pass.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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

    @property
    def url(self) -> str:
        """The application's entry page ('' while the app has no pages yet)."""
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
    ),
}


@dataclass(frozen=True)
class Figure:
    label: Any
    value: Any
    url: str = ""


FigureProvider = Callable[[Any, Any], list[Figure]]
_home_figures: dict[str, FigureProvider] = {}


def register_home_figures(app_code: str, provider: FigureProvider) -> None:
    """Called by an app's ready(): provider(company, user) -> a few live figures."""
    _home_figures[app_code] = provider


def home_figures(app_code: str, company: Any, user: Any) -> list[Figure]:
    provider = _home_figures.get(app_code)
    if provider is None:
        return []
    seconds = settings.HOME_FIGURES_SECONDS
    if not seconds:
        return provider(company, user)
    version = cache.get(_version_key(company.pk), 0)
    key = f"home-figures:{app_code}:{company.pk}:{user.pk}:{get_language()}:{version}"
    figures = cache.get(key)
    if figures is None:
        figures = provider(company, user)
        cache.set(key, figures, seconds)
    return figures


def _version_key(company_id: int) -> str:
    return f"home-figures-version:{company_id}"


def figures_changed(company_id: int) -> None:
    """The company's figures are recomputed on the next home page."""
    key = _version_key(company_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # cache unavailable: the figures expire with their minute
        pass


def company_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of any model: a row that belongs to a company."""
    company_id = getattr(instance, "company_id", None)
    if isinstance(company_id, int):
        transaction.on_commit(lambda: figures_changed(company_id))
