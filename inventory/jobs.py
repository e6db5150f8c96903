"""Inventory exports beyond the direct-download size, built by a worker (portal.jobs)."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from inventory.exports import COLUMNS
from inventory.filters import ItemFilter
from inventory.selectors import installed_items
from portal.jobs import ExportRows, back_to_list, export_kind
from portal.models import Job


def export_rows(job: Job) -> ExportRows:
    query = job.params.get("query", "")
    items = ItemFilter(
        QueryDict(query) or None, queryset=installed_items(job.company), company=job.company
    ).qs
    return ExportRows(rows=items.iterator(chunk_size=2000), columns=COLUMNS, name="inventory")


KINDS = [
    export_kind(
        key="inventory.export",
        app="inventory",
        title=_("Inventory spreadsheet"),
        select=export_rows,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "(a site, a kind) to export fewer items."
        ),
        back=back_to_list("inventory:home"),
    )
]
