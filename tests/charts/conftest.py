"""The demo data (`manage.py seed_demo`) and a signed-in client per demo company."""

import io

import pytest
from django.core.management import call_command

from portal.models import Company, Membership
from tests.conftest import login


@pytest.fixture
def demo(db, settings):
    settings.COMPANY_CACHE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def demo_companies(demo) -> list[Company]:
    return list(Company.objects.order_by("name"))


def admin_client(client, company: Company):
    """The company's demo administrator (every demo company has one), signed in."""
    membership = (
        Membership.objects.filter(company=company, is_company_admin=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    return login(client, membership.user, company)
