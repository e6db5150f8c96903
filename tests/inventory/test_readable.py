"""The inventory history reads as sentences; lease amounts are money with the period."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import ChangeKind
from inventory.services import change_request_apply, change_request_submit
from portal.models import Role
from tests.conftest import login
from tests.factories.portal import CompanyFactory, SiteFactory, member
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language,headline", [("en", "Item moved to another site."), ("fr", "Élément déplacé")]
)
def test_history_shows_readable_sentences(client, company, agent, language, headline):
    make_online(company)
    paris = SiteFactory(company=company, name="Paris HQ", city="")
    lille = SiteFactory(company=company, name="Lille", city="")
    user = member(company, role=Role.VIEWER, preferred_language=language)
    item = ItemFactory(site=paris)
    change = change_request_submit(
        company=company, user=user, kind=ChangeKind.MOVE, item=item, values={"site": lille.pk}
    )
    change_request_apply(change=change, agent=agent)
    login(client, user, company)
    page = client.get(reverse("inventory:item", args=[item.pk])).content.decode()
    history = (
        page.split(">History<", 1)[-1] if ">History<" in page else page.split(">Historique<", 1)[-1]
    )
    assert headline in history
    assert "“Paris HQ” → “Lille”" in history
    assert "[&#x27;" not in history and "site:" not in history


def test_lease_amount_is_money_with_the_period_in_french(client, us_country):
    company = CompanyFactory(country=us_country)
    make_online(company)
    user = member(company, role=Role.VIEWER, preferred_language="fr")
    item = ItemFactory(
        site=SiteFactory(company=company),
        lease_amount=Decimal("18500"),
        lease_currency="USD",
        lease_period="month",
        lessor="IBM Global Financing",
    )
    login(client, user, company)
    page = client.get(reverse("inventory:item", args=[item.pk])).content.decode()
    assert "18\xa0500,00 USD / mois" in page or "18&nbsp;500,00 USD / mois" in page, page[-3000:]
