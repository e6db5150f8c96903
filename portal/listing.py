"""One way to build a list page: filters, a whitelisted sort, an ids-first page, exports.

Each application declares its list once, in `<app>/filters.py`:

    class ContractFilter(ListFilterSet):         # django-filter: the search and filters
        sorts = {"number": ("number", "id"), "-number": ("-number", "-id"), ...}
        default_sort = "-end"
        q = django_filters.CharFilter(...)

    CONTRACTS = ListSpec(
        filterset=ContractFilter, results_id="contract-results",
        export_url="contracts:export",
        count_text=ngettext_lazy("%(counter)s contract", "%(counter)s contracts", "counter"),
    )

and its export columns in `<app>/exports.py`. The view is then a few lines:

    listing = Listing.build(request, CONTRACTS, Contract.objects.for_company(company))
    return listing.render("contracts/contract_list.html", "contracts/_contract_table.html")

The templates use the shared partials of `templates/portal/list/` (filter form with its
loading indicator, result heading, sortable header `{% sort_header %}`, pagination,
export links), so every list has the same markup, the same htmx attributes and the
same announcement after a sort, filter or page change (static/js/portal.js).

Invalid filter values are reported on the form and not applied: the page still answers.
The sort is a whitelist of index-backed orderings (`?sort=key`, `?sort=-key`); anything
else falls back to the list's default. Exports take `?format=csv|xlsx` (`?fmt=` is
still read, so links in old e-mails and bookmarks keep working).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.pagination import IdsFirstPaginator
from portal.printing import page_number, page_size

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_PARAM = "format"
EXPORT_ALIASES = ("fmt",)  # the parameter's former name, still accepted
# Not filters: the page, the export's own switches.
NOT_FILTERS = ("page", EXPORT_PARAM, *EXPORT_ALIASES)


class DateInput(forms.DateInput):
    """A date filter's input: the browser's date picker, ISO values."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ListFilterSet(django_filters.FilterSet):
    """A list's filters (django-filter) and its whitelisted sort (`?sort=`).

    `sorts` maps each accepted `sort` value to the `order_by()` that serves it (with a
    tie-breaker, so pages never overlap); `default_sort` is used when `sort` is absent
    or unknown. `company`, when given, is there for filters whose choices or search
    depend on it.
    """

    sorts: ClassVar[dict[str, tuple[Any, ...]]] = {}
    default_sort: ClassVar[str] = ""
    # Also offer the sort as a "Sort" select of the form (sorts with no column header).
    sort_choices: ClassVar[list[tuple[str, Any]]] = []

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        company: Any = None,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        self.company = company
        super().__init__(data, queryset, request=request, prefix=prefix)

    @property
    def sort_key(self) -> str:
        value = self.data.get("sort") if self.data else None
        return value if value in self.sorts else self.default_sort

    def ordering(self) -> tuple[Any, ...]:
        """What `order_by()` gets for the current sort (a subclass may adapt it)."""
        return self.sorts[self.sort_key]

    @property
    def qs(self) -> QuerySet:
        """The filtered, sorted selection; an invalid filter is reported, not applied."""
        if not hasattr(self, "_qs"):
            queryset = self.queryset.all()
            if self.is_bound:
                self.errors  # noqa: B018 -- validates the form before filtering
                queryset = self.filter_queryset(queryset)
            self._qs = queryset.order_by(*self.ordering()) if self.sorts else queryset
        return self._qs

    def valid_params(self, *, with_sort: bool = True) -> list[tuple[str, str]]:
        """The submitted filters that passed validation, as given (and the sort)."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        errors = self.form.errors
        pairs = []
        for name in self.form.fields:
            if name in errors:
                continue
            for value in (
                self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            ):
                if value not in (None, ""):
                    pairs.append((name, str(value)))
        if with_sort and self.sorts and self.data.get("sort") in self.sorts:
            pairs.append(("sort", self.data["sort"]))
        return pairs

    def query_string(self, *, with_sort: bool = True) -> str:
        """The valid filters (and sort) as a query string: links, saved reports, exports."""
        return urlencode(self.valid_params(with_sort=with_sort))

    @property
    def active(self) -> bool:
        """Whether any filter narrows the selection (the sort alone does not)."""
        return bool(self.valid_params(with_sort=False))


@dataclass(frozen=True)
class Export:
    """One download link of a list: its label and the parameters it adds."""

    label: Any
    format: str
    params: tuple[tuple[str, str], ...] = ()


DEFAULT_EXPORTS = (Export("CSV", "csv"), Export(_("Excel (XLSX)"), "xlsx"))


@dataclass(frozen=True)
class ListSpec:
    """The declaration of one list page (see the module's docstring)."""

    filterset: type[ListFilterSet]
    results_id: str  # the element replaced by htmx (sort, filter, page)
    count_text: Any  # ngettext_lazy(..., "counter"): the result heading
    export_url: str = ""  # URL name of the download ("" for none)
    exports: tuple[Export, ...] = DEFAULT_EXPORTS
    page_size: int = 25
    paginator: Callable[..., Paginator] = IdsFirstPaginator


def export_format(request: HttpRequest) -> str:
    """The requested download format (`?format=`, or its former name `?fmt=`); another
    value is a 404."""
    for name in (EXPORT_PARAM, *EXPORT_ALIASES):
        if name in request.GET:
            value = request.GET[name]
            break
    else:
        value = "csv"
    if value not in EXPORT_FORMATS:
        raise Http404
    return value


def wants_export(request: HttpRequest) -> bool:
    """Whether the request asks for a download (a list page that is also its export)."""
    return any(name in request.GET for name in (EXPORT_PARAM, *EXPORT_ALIASES))


def filter_params(params: QueryDict, *also: str) -> QueryDict:
    """The request's parameters without the page, the export switches and `also`."""
    params = params.copy()
    for name in (*NOT_FILTERS, *also):
        params.pop(name, None)
    return params


@dataclass
class Listing:
    """A list page's state: its filters, sort, page and the links that change them."""

    request: HttpRequest
    spec: ListSpec
    filterset: ListFilterSet
    page: Page
    extra: dict[str, Any] = field(default_factory=dict)
    count_override: Any = None

    @classmethod
    def build(
        cls,
        request: HttpRequest,
        spec: ListSpec,
        queryset: QuerySet,
        *,
        rows: Callable[[QuerySet], QuerySet] | None = None,
        count: int | Callable[[ListFilterSet], int | None] | None = None,
        paginator: Callable[[QuerySet], Paginator] | None = None,
        company: Any = None,
    ) -> "Listing":
        """Filter and sort `queryset` with the spec's FilterSet and read the page.

        `rows` adds what only the page's rows need (select_related, annotations) after
        filtering; `count`, when the view already knows it, saves the COUNT(*);
        `paginator(selection)` builds another paginator than the spec's.
        """
        filterset = spec.filterset(
            request.GET or None,
            queryset=queryset,
            company=company if company is not None else getattr(request, "company", None),
            request=request,
        )
        selection = filterset.qs
        if paginator is not None:
            pages = paginator(selection)
        else:
            pages = spec.paginator(
                rows(selection) if rows else selection, page_size(request, spec.page_size)
            )
            known = count(filterset) if callable(count) else count
            if known is not None:
                pages.count = known
        return cls.of(request, spec, filterset, pages)

    @classmethod
    def of(
        cls, request: HttpRequest, spec: ListSpec, filterset: ListFilterSet, pages: Paginator
    ) -> "Listing":
        """The requested page of `pages` (a list whose rows are not a queryset, such as a
        statement's ledger lines); past the end shows the last page, garbage the first."""
        page = pages.get_page(page_number(request))
        return cls(request=request, spec=spec, filterset=filterset, page=page)

    # --- What the templates read ------------------------------------------------------

    @property
    def form(self) -> Any:
        return self.filterset.form

    @property
    def sort(self) -> str:
        return self.filterset.sort_key

    @property
    def target(self) -> str:
        return self.spec.results_id

    @property
    def query(self) -> str:
        """The filters and sort, without the page: the pagination's base."""
        return filter_params(self.request.GET).urlencode()

    @property
    def sort_query(self) -> str:
        """The filters without the sort and page: the sortable headers' base."""
        return filter_params(self.request.GET, "sort").urlencode()

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def count_text(self) -> str:
        if self.count_override is not None:
            return str(self.count_override)
        return self.spec.count_text % {"counter": self.count}

    def page_url(self, number: int) -> str:
        query = self.query
        return f"?{query}&page={number}" if query else f"?page={number}"

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number())

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number())

    def sort_url(self, key: str) -> str:
        """The link of a header: sorts by `key`, or reverses the current sort by it."""
        target = f"-{key}" if self.sort == key else key
        if target not in self.filterset.sorts:
            target = key if target.startswith("-") else f"-{key}"
        query = self.sort_query
        pair = urlencode({"sort": target})
        return f"?{query}&{pair}" if query else f"?{pair}"

    def direction(self, key: str) -> str:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return ""

    @property
    def export_links(self) -> list[tuple[Any, str]]:
        if not self.spec.export_url:
            return []
        base = reverse(self.spec.export_url)
        query = self.filterset.query_string()
        links = []
        for export in self.spec.exports:
            params = urlencode([(EXPORT_PARAM, export.format), *export.params])
            links.append((export.label, f"{base}?{params}" + (f"&{query}" if query else "")))
        return links

    # --- The response ----------------------------------------------------------------

    def render(
        self, template: str, results_template: str, context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The whole page, or only its results for an htmx sort, filter or page change
        (a history restore gets the whole page)."""
        htmx = getattr(self.request, "htmx", None)
        partial = bool(htmx and not htmx.history_restore_request and not htmx.boosted)
        data = {
            "listing": self,
            "form": self.form,
            "filter": self.filterset,
            "page": self.page,
            "sort": self.sort,
            "query": self.query,
            **(context or {}),
        }
        response = render(self.request, results_template if partial else template, data)
        response.headers["Vary"] = ", ".join(
            v for v in (response.headers.get("Vary"), "HX-Request") if v
        )
        return response


__all__: Sequence[str] = (
    "EXPORT_PARAM",
    "Export",
    "ListFilterSet",
    "ListSpec",
    "Listing",
    "export_format",
    "filter_params",
    "wants_export",
)
