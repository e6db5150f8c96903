"""The Contracts tile on the home page."""

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from contracts.models import Contract
from portal.applications import Figure


def home_figures(company: Any, user: Any) -> list[Figure]:
    scoped = Contract.objects.for_company(company)
    mine = scoped.needing_action_by(user).count()
    expiring = scoped.expiring_within(90).count()
    return [
        Figure(_("Contracts needing my action"), mine, reverse("contracts:needs_action")),
        Figure(
            _("Contracts expiring within 90 days"),
            expiring,
            reverse("contracts:list") + "?" + urlencode({"expiring_within": 90}),
        ),
    ]
