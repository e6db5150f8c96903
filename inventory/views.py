"""Inventory pages: by site, item, change requests; the variant decides what is shown."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.charts import endings_chart
from inventory.exports import COLUMNS
from inventory.filters import ITEMS, ItemFilter
from inventory.forms import AddForm, CorrectForm, MoveForm, RemoveForm
from inventory.models import ChangeKind, InstalledItem
from inventory.selectors import installed_items, item_open_requests, item_pending_change
from inventory.services import change_request_submit
from inventory.variants import variant_for
from portal.access import app_view, has_app_role
from portal.company_cache import company_cached
from portal.job_views import export_or_job
from portal.listing import Listing, export_format, filter_params, wants_export
from portal.models import Site

CHANGE_FORMS = {
    ChangeKind.MOVE: MoveForm,
    ChangeKind.REMOVE: RemoveForm,
    ChangeKind.CORRECT: CorrectForm,
}


def _variant_with_items(request: HttpRequest):
    variant = variant_for(request.company)
    if not variant.shows_items:
        raise Http404
    return variant


def _items(request: HttpRequest):
    return InstalledItem.objects.for_company(request.company).installed()


@app_view("inventory")
def inventory_home(request: HttpRequest) -> HttpResponse:
    """By site (Inventory OnLine / Services Assistant) or the question form elsewhere."""
    variant = variant_for(request.company)
    if not variant.shows_items:
        return render(request, "inventory/questions.html", {"variant": variant})
    if wants_export(request):
        fmt = export_format(request)
        query = filter_params(request.GET).urlencode()
        return export_or_job(
            request,
            fmt=fmt,
            queryset=ItemFilter(
                request.GET, queryset=installed_items(request.company), company=request.company
            ).qs,
            columns=COLUMNS,
            filename="inventory",
            kind="inventory.export",
            params={"query": query},
            back=request.path + (f"?{query}" if query else ""),
            sheet=_("Inventory"),
        )
    counts = company_cached(
        request.company.pk,
        "inventory-site-counts",
        lambda: dict(
            _items(request)
            .order_by()
            .values_list("site")
            .annotate(n=Count("id"))
            .values_list("site", "n")
        ),
    )
    listing = Listing.build(
        request,
        ITEMS,
        installed_items(request.company),
        count=lambda filterset: filterset.known_count(counts),
    )
    sites = list(Site.objects.for_company(request.company).order_by("name"))
    for site in sites:
        site.item_count = counts.get(site.pk, 0)
    return listing.render(
        "inventory/item_list.html",
        "inventory/_item_table.html",
        {
            "variant": variant,
            "sites": sites,
            "can_change": variant.takes_changes,
            "endings_chart": endings_chart(
                listing.filterset.qs,
                timezone.localdate(),
                with_leases=variant.shows_lease,
                request=request,
            ),
        },
    )


@app_view("inventory")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    variant = _variant_with_items(request)
    item = get_object_or_404(
        InstalledItem.objects.for_company(request.company).select_related(
            "site", "maintenance_contract"
        ),
        pk=pk,
    )
    context = {
        "variant": variant,
        "item": item,
        "history": item.history.select_related("request", "actor")[:50],
        "open_requests": item_open_requests(request.company, item),
        "pending_change": item_pending_change(request.company, item),
        "can_open_contract": has_app_role(request.user, request.company, "contracts"),
        "change_kinds": [k for k in ChangeKind if k != ChangeKind.ADD],
    }
    return render(request, "inventory/item_detail.html", context)


TITLES = {
    ChangeKind.ADD: gettext_lazy("Add an item to your inventory"),
    ChangeKind.MOVE: gettext_lazy("Move this item to another site"),
    ChangeKind.REMOVE: gettext_lazy("Remove this item from your inventory"),
    ChangeKind.CORRECT: gettext_lazy("Correct this item's data"),
}


def _change(request: HttpRequest, kind: str, item: InstalledItem | None) -> HttpResponse:
    variant = _variant_with_items(request)
    if not variant.takes_changes:
        raise Http404
    form_class = AddForm if kind == ChangeKind.ADD else CHANGE_FORMS[kind]
    form = form_class(request.POST or None, company=request.company, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            change = change_request_submit(
                company=request.company,
                user=request.user,
                kind=kind,
                item=item,
                values=form.values(),
                message=form.cleaned_data.get("message", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your request %(number)s was sent to customer service; you will get an acknowledgement by e-mail."
                )
                % {"number": change.request.number},
            )
            return redirect(change.request.get_absolute_url())
    return render(
        request,
        "inventory/change_form.html",
        {"form": form, "item": item, "kind": kind, "title": TITLES[kind], "variant": variant},
    )


@app_view("inventory")
def item_change(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in CHANGE_FORMS:
        raise Http404
    item = get_object_or_404(_items(request).select_related("site"), pk=pk)
    return _change(request, kind, item)


@app_view("inventory")
def item_add(request: HttpRequest) -> HttpResponse:
    return _change(request, ChangeKind.ADD, None)
