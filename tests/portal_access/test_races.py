"""Races on PostgreSQL (CI runs the suite there): row locks keep the rules true."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portal import services
from portal.models import Authorization, Membership, Role
from tests.factories.portal import CompanyFactory, CountryFactory, UserFactory, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            fn()
            outcomes[i] = "ok"
        except ValidationError as error:
            outcomes[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_admins_removing_each_other_leave_one_admin():
    company = CompanyFactory(country=CountryFactory())
    alice = member(company, role=Role.VIEWER, admin=True)
    bob = member(company, role=Role.VIEWER, admin=True)
    m_alice = Membership.objects.get(user=alice)
    m_bob = Membership.objects.get(user=bob)
    outcomes = _race(
        lambda: services.membership_set_admin(membership=m_bob, actor=alice, is_admin=False),
        lambda: services.membership_set_admin(membership=m_alice, actor=bob, is_admin=False),
    )
    assert outcomes[0] != "ok" or outcomes[1] != "ok"
    assert "ok" in outcomes
    assert Membership.objects.filter(company=company, is_company_admin=True).count() == 1


def test_a_request_is_decided_once():
    company = CompanyFactory(country=CountryFactory())
    admin_one = member(company, role=None, admin=True)
    admin_two = member(company, role=None, admin=True)
    auth = Authorization.objects.create(user=UserFactory(), company=company, app="orders")
    outcomes = _race(
        lambda: services.access_request_approve(authorization=auth, actor=admin_one),
        lambda: services.access_request_refuse(authorization=auth, actor=admin_two, note="no"),
    )
    assert outcomes == ["decided", "ok"]
    assert auth.events.count() == 1
