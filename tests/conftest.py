"""Shared fixtures: a company with users of every role, and another company.

`company` and `other_company` are in France (every application offered).
Sign a user in with `login(client, user)`; the active company is their first one.
"""

import pytest

from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Role
from tests.factories.portal import CompanyFactory, CountryFactory, member


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last (also under pytest-xdist, which deals tests out in this order).

    Playwright's sync API keeps an asyncio loop running in the test process once the
    browser is up; code under test that calls asyncio.run() (pyHanko's signing) or
    Django's async-unsafe checks would then fail in every later non-browser test.
    """
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path).replace("\\", "/"))


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_limits_cache():
    """Rate-limit counters (portal.ratelimits) never carry over from one test to the next."""
    from django.core.cache import caches

    caches["limits"].clear()


@pytest.fixture(autouse=True)
def _fresh_identity_cache():
    """No identity entry (portal.identity) outlives its test: ids are reused after a
    rolled-back test on SQLite, and a user of the next test must not find one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def country(db):
    return CountryFactory()


@pytest.fixture
def company(country):
    return CompanyFactory(country=country, name="ACME France SA")


@pytest.fixture
def other_company(country):
    return CompanyFactory(country=country, name="Other Company")


@pytest.fixture
def viewer(company):
    return member(company, role=Role.VIEWER, email="viewer@acme.test")


@pytest.fixture
def approver(company):
    return member(company, role=Role.APPROVER, email="approver@acme.test")


@pytest.fixture
def company_admin(company):
    return member(company, role=Role.APPROVER, admin=True, email="admin@acme.test")


@pytest.fixture
def no_rights(company):
    """A member of the company without any application authorization."""
    return member(company, role=None, email="member@acme.test")


@pytest.fixture
def outsider(other_company):
    """An approver of every application, but of another company."""
    return member(other_company, role=Role.APPROVER, email="outsider@other.test")


def login(client, user, company=None):
    client.force_login(user)
    if company is not None:
        session = client.session
        session[ACTIVE_COMPANY_KEY] = company.pk
        session.save()
    return client


@pytest.fixture
def viewer_client(client, viewer, company):
    return login(client, viewer, company)


@pytest.fixture
def approver_client(client, approver, company):
    return login(client, approver, company)


def login_agent(client, user):
    """Sign a staff user in as allauth does after the second factor: the session records
    the password and the TOTP code (the admin's gate asks that this session used MFA)."""
    import time

    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def get_following_job(client, url, params=None):
    """GET `url`; when it starts a job (long work runs at once in tests), the job's file."""
    from django.test import TestCase
    from django.urls import reverse

    with TestCase.captureOnCommitCallbacks(execute=True):  # the job is handed over on commit
        response = client.get(url, params or {})
    if response.status_code == 302 and "/files/" in response["Location"]:
        pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
        response = client.get(reverse("portal:job_download", kwargs={"pk": pk}))
    return response
