"""What inventory offers to the rest of the portal: home figures and serial references."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import Coverage, InstalledItem
from inventory.variants import variant_for
from portal.applications import Figure
from portal.models import Company, User


def home_figures(company: Company, user: User) -> list[Figure]:
    if not variant_for(company).shows_items:
        return []
    items = InstalledItem.objects.for_company(company).installed()
    url = reverse("inventory:home")
    return [
        Figure(_("Installed items"), items.count(), url),
        Figure(
            _("Coverage ending within 90 days"),
            items.coverage(Coverage.ENDING).count(),
            f"{url}?coverage={Coverage.ENDING}",
        ),
    ]


def resolve_serial(company: Company, text: str) -> InstalledItem | None:
    return InstalledItem.objects.for_company(company).filter(serial_number=text).first()
