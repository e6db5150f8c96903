"""Home-page figures of My requests: open requests and those awaiting the customer."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.applications import Figure
from portal.models import Company, Membership, User
from requests_inbox.models import Request, Status


def home_figures(company: Company, user: User) -> list[Figure]:
    """Two figures in one query (plus the membership lookup for the admin scope)."""
    admin = Membership.objects.filter(company=company, user=user, is_company_admin=True).exists()
    counts = (
        Request.objects.for_company(company)
        .visible_to(user, is_company_admin=admin)
        .aggregate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            answered=Count("pk", filter=Q(status=Status.ANSWERED)),
        )
    )
    url = reverse("requests_inbox:list")
    return [
        Figure(_("Open requests"), counts["open"], url),
        Figure(
            _("Answered, awaiting your reaction"),
            counts["answered"],
            f"{url}?{urlencode({'status': Status.ANSWERED})}",
        ),
    ]
