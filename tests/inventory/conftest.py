import pytest
from allauth.mfa.models import Authenticator

from tests.factories.portal import CompanyFactory, CountryFactory, SiteFactory, UserFactory


@pytest.fixture
def us_country(db):
    return CountryFactory(
        code="US", name="United States", features=["inventory_online"], currency="USD"
    )


@pytest.fixture
def assistant_company(country):
    """A French company flagged for the Services Assistant (country fixture: France)."""
    return CompanyFactory(country=country, services_assistant=True, name="ACME Assistant")


@pytest.fixture
def sites(company):
    return [SiteFactory(company=company, name="Paris"), SiteFactory(company=company, name="Lyon")]


@pytest.fixture
def agent(db):
    from portal.agents import make_agent

    user = UserFactory(email="agent@cs.test")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def make_online(company):
    """Offer Inventory OnLine in the company's country (as in the United States)."""
    country = company.country
    if "inventory_online" not in country.features:
        country.features = [*country.features, "inventory_online"]
        country.save(update_fields=["features"])
    return company
