"""Phone numbers: typed the way a country writes them, kept in E.164, shown in the
national format to a reader of that country and internationally to anyone else."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from portal.models import HelpContact, Topic
from portal.phones import display, normalize, uri
from tests.conftest import login, login_agent
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory, member


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("(212) 555-0100", "US", "+12125550100"),
        ("212.555.0100", "US", "+12125550100"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("+33 1 23 45 67 89", "US", "+33123456789"),  # a +code wins over the region
        ("", "FR", ""),
    ],
)
def test_numbers_are_kept_in_e164(typed, region, stored):
    assert normalize(typed, region) == stored


def test_national_for_a_reader_of_the_country_international_for_others():
    assert display("+12125550100", "US") == "(212) 555-0100"
    assert display("+33123456789", "FR") == "01 23 45 67 89"
    assert display("+12125550100", "FR") == "+1 212-555-0100"
    assert display("+33123456789", None) == "01 23 45 67 89"  # reader unknown: as printed there
    assert display("ask the switchboard", "FR") == "ask the switchboard"
    assert uri("+12125550100") == "tel:+1-212-555-0100"


def test_a_bad_number_is_refused_in_the_readers_language():
    with pytest.raises(ValidationError) as error:
        normalize("555-01", "US")
    assert error.value.messages == ["Enter a valid phone number, for example (201) 555-0123."]
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            normalize("01 23", "FR")
        assert error.value.messages == [
            "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89."
        ]


@pytest.mark.django_db
def test_help_page_prints_the_readers_national_format(client):
    us = CountryFactory(code="US", name="United States", name_fr="États-Unis", currency="USD")
    france = CountryFactory()
    HelpContact.objects.create(country=us, topic=Topic.ORDERS, phone="+12125550100")
    HelpContact.objects.create(country=france, topic=Topic.ORDERS, phone="+33123456789")
    globex = CompanyFactory(country=us, name="Globex")
    buyer = member(globex, email="buyer@globex.test")
    login(client, buyer, globex)
    page = client.get(reverse("portal:help")).text
    assert '<a href="tel:+1-212-555-0100">(212) 555-0100</a>' in page
    assert "<h2>Customer service: United States</h2>" in page  # not "in United States"
    # French contacts seen from the US: with the country code, to be dialled from abroad.
    page = client.get(reverse("portal:help"), {"country": "FR"}).text
    assert '<a href="tel:+33-1-23-45-67-89">+33 1 23 45 67 89</a>' in page
    # Signed out, the chosen country's contacts are printed as that country writes them.
    client.logout()
    page = client.get(reverse("portal:help"), {"country": "FR"}).text
    assert ">01 23 45 67 89</a>" in page


@pytest.mark.django_db
def test_agents_type_a_national_number_and_a_bad_one_is_refused(client):
    from portal.agents import make_agent

    us = CountryFactory(code="US", name="United States", currency="USD")
    agent = UserFactory(email="agent@cs.test", preferred_language="fr")
    make_agent([agent])
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login_agent(client, agent)
    url = reverse("admin:portal_helpcontact_add")
    data = {
        "country": us.pk,
        "topic": Topic.ORDERS,
        "phone": "(212) 555-0100",
        "email": "",
        "hours": "",
        "notes": "",
    }
    refused = client.post(url, {**data, "phone": "555-01"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 200
    assert "Saisissez un numéro de téléphone valide, par exemple (201) 555-0123." in refused.text
    assert 'value="555-01"' in refused.text  # nothing typed is lost
    assert not HelpContact.objects.exists()
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert HelpContact.objects.get().phone == "+12125550100"
