"""The columns of the My requests spreadsheets (the list's download and its job)."""

from django.utils.translation import gettext_lazy as _

from portal.exports import Column

COLUMNS = [
    Column(header=_("Tracking number"), value=lambda r: r.number),
    Column(header=_("Subject"), value=lambda r: r.subject),
    Column(header=_("Category"), value=lambda r: r.get_category_display()),
    Column(header=_("Reference"), value=lambda r: r.reference),
    Column(header=_("Status"), value=lambda r: r.get_status_display()),
    Column(header=_("Created"), value=lambda r: r.created_at),
    Column(header=_("Answer expected by"), value=lambda r: r.due_at),
    Column(header=_("Requester"), value=lambda r: r.requester.email),
]
