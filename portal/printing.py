"""Printing a list: the whole selection (up to PRINT_MAX_ROWS rows), never one page silently.

A list view reads its page through `page_of` (or `page_size`/`page_number` for its own
paginator): with `?print=all` the one page holds the whole selection, up to the cap. The
shared partial `portal/_print_selection.html`, included once in each list's results,
puts on top what a printout needs (the filters applied, the date and time, how many rows
are printed out of how many, with a clear message above the cap) and, on screen, the
"Print all N" link. Page numbers ("page X of Y") come from `static/css/print.css`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.forms import BaseForm, BooleanField, ChoiceField, ModelChoiceField
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

PRINT_PARAM = "print"
PRINT_ALL = "all"
HIDDEN_PARAMS = {"page", "sort", PRINT_PARAM, "fmt", "format"}


def print_max_rows() -> int:
    return settings.PRINT_MAX_ROWS


def is_print_all(request: HttpRequest) -> bool:
    return request.GET.get(PRINT_PARAM) == PRINT_ALL


def page_size(request: HttpRequest, per_page: int) -> int:
    """The list's page size, or the print cap when the whole selection is printed."""
    return print_max_rows() if is_print_all(request) else per_page


def page_number(request: HttpRequest) -> Any:
    """The ?page= asked for; the first (and only) page when printing everything."""
    return 1 if is_print_all(request) else request.GET.get("page")


def _display(field, value: Any) -> str:
    """A filter's value as the form shows it (a choice's label, a localized date)."""
    if isinstance(field, ModelChoiceField):
        return str(value)
    if isinstance(field, BooleanField):
        return _("yes")
    if isinstance(field, ChoiceField):
        choices: Any = field.choices
        labels = {str(k): v for k, v in choices if not isinstance(v, (list, tuple))}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime | date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def applied_filters(form: BaseForm | None) -> list[tuple[str, str]]:
    """(label, value) of every filter the user set, in the form's order (sort excluded)."""
    if form is None or not form.is_bound:
        return []
    data = form.cleaned_data if form.is_valid() else {}
    result = []
    for name, field in form.fields.items():
        if name in HIDDEN_PARAMS:
            continue
        value = data.get(name) if data else form.data.get(name)
        if value in (None, "", [], (), False) or (hasattr(value, "exists") and not value):
            continue
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            shown = ", ".join(_display(field, v) for v in value)
        else:
            shown = _display(field, value)
        result.append((str(field.label or name), shown))
    return result


@dataclass
class PrintSelection:
    filters: list[tuple[str, str]]
    total: int
    shown_from: int
    shown_to: int
    page_number: int
    pages: int
    print_all: bool
    capped: bool
    cap: int
    print_all_url: str
    paged_url: str

    @property
    def paged(self) -> bool:
        """More than one page on screen: the "Print all" link is worth offering."""
        return self.pages > 1 or self.capped


def print_selection(request: HttpRequest, page, form: BaseForm | None) -> PrintSelection | None:
    """What the print partial shows about a list's page; None without a page."""
    if page is None or not hasattr(page, "paginator"):
        return None
    paginator = page.paginator
    total = getattr(paginator, "total", None) or paginator.count
    params = request.GET.copy()
    for key in ("page", PRINT_PARAM):
        params.pop(key, None)
    paged_url = f"{request.path}?{params.urlencode()}" if params else request.path
    params[PRINT_PARAM] = PRINT_ALL
    print_all = is_print_all(request)
    return PrintSelection(
        filters=applied_filters(form),
        total=total,
        shown_from=page.start_index(),
        shown_to=page.end_index(),
        page_number=page.number,
        pages=paginator.num_pages,
        print_all=print_all,
        capped=total > print_max_rows(),
        cap=print_max_rows(),
        print_all_url=f"{request.path}?{params.urlencode()}",
        paged_url=paged_url,
    )
