"""The notification centre's pages: the bell (polled), the list, opening an entry.

Signed-in pages of the user's own entries (no company needed: an access decision may
come before any). Opening an entry marks it read, makes its company the active one when
the user is still a member there, and follows its link, where the gate decides.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import background_poll, switch_company_for_link
from portal.http import PortalRequest
from portal.models import NotificationEntry
from portal.notification_centre import entries_mark_all_read, entries_of, entry_open
from portal.pagination import page_of

PER_PAGE = 20


@background_poll
def bell(request: PortalRequest) -> HttpResponse:
    """The bell alone, for htmx to refresh the header's count (one counting query).

    Once the session has ended the poll answers 204 (the gate's background_poll: htmx
    keeps the bell as it is; the idle dialog says the session ended)."""
    return render(request, "portal/_bell_link.html")


def notification_list(request: PortalRequest) -> HttpResponse:
    page = page_of(request, entries_of(request.user), PER_PAGE)
    several = len(getattr(request, "memberships", [])) > 1
    return render(request, "portal/notification_list.html", {"page": page, "show_company": several})


def notification_open(request: PortalRequest, pk: int) -> HttpResponse:
    try:
        entry = entry_open(user=request.user, entry_id=pk)
    except NotificationEntry.DoesNotExist:
        raise Http404 from None
    if not url_has_allowed_host_and_scheme(entry.link, allowed_hosts=set()):
        raise Http404
    active = request.company.pk if request.company is not None else None
    if entry.company_id is not None and entry.company_id != active:
        membership = next(
            (m for m in request.memberships if m.company_id == entry.company_id), None
        )
        if membership is not None:
            switch_company_for_link(request, membership.company, entry=entry.pk)
    return redirect(entry.link)


@require_POST
def notifications_read_all(request: PortalRequest) -> HttpResponse:
    if entries_mark_all_read(user=request.user):
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("portal:notifications")
