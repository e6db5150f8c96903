"""Inventory exports beyond the direct-download size, built by a worker (portal.jobs)."""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.exports import COLUMNS
from inventory.filters import ItemFilter
from inventory.selectors import installed_items
from portal.exports import XLSX_TYPE, export_bytes
from portal.files import CSV
from portal.jobs import JobKind, Progress, Result
from portal.models import Job


def build_export(job: Job, progress: Progress) -> Result:
    query = job.params.get("query", "")
    items = ItemFilter(
        QueryDict(query) or None, queryset=installed_items(job.company), company=job.company
    ).qs
    fmt = job.params.get("fmt", "csv")
    data = export_bytes(fmt, items.iterator(chunk_size=2000), COLUMNS, progress=progress)
    return Result(
        data=data, name=f"inventory.{fmt}", content_type=XLSX_TYPE if fmt == "xlsx" else CSV
    )


def _list(job: Job) -> str:
    query = job.params.get("query", "")
    return reverse("inventory:home") + (f"?{query}" if query else "")


KINDS = [
    JobKind(
        key="inventory.export",
        app="inventory",
        title=_("Inventory spreadsheet"),
        build=build_export,
        retry_hint=_(
            "The spreadsheet could not be built. Please try again, or narrow the filters "
            "(a site, a kind) to export fewer items."
        ),
        back=_list,
    )
]
