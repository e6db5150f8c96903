import pytest
from allauth.mfa.models import Authenticator

from portal.models import Site
from portal.references import _resolvers
from tests.factories.portal import SiteFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def agent(db):
    """A customer-service agent who may use the admin (staff with a second factor)."""
    from portal.agents import make_agent

    user = UserFactory(email="agent@cs.test", first_name="Alice", last_name="Agent")
    make_agent([user])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def site_references(monkeypatch):
    """Contracts references resolved to the company's sites (a stand-in numbered object)."""
    monkeypatch.setitem(
        _resolvers,
        "contracts",
        lambda company, text: Site.objects.for_company(company).filter(code=text).first(),
    )
    return SiteFactory
