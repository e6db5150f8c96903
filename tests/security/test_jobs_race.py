"""Issue 14, item 6 on PostgreSQL: three ZIPs queued in 0.3 s must not slip past the cap.

The company row is locked while the active jobs are counted, so parallel requests are
counted one after the other (CI runs this on PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portal import jobs
from portal.models import Job, Role
from tests.factories.portal import CompanyFactory, CountryFactory, member
from tests.portal.conftest import closed_port
from tests.portal.test_worker import celery_app, using


@pytest.fixture(autouse=True)
def _no_worker():
    """The broker is unreachable: every job stays waiting (none finishes during the race)."""
    with using(celery_app(f"redis://127.0.0.1:{closed_port()}/0", "portal-race")):
        yield


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def _race(calls):
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


def test_parallel_requests_cannot_exceed_the_user_cap(settings):
    settings.JOBS_MAX_ACTIVE_PER_USER = 2
    company = CompanyFactory(country=CountryFactory())
    user = member(company, role=Role.VIEWER)

    def start():
        jobs.job_start(company=company, user=user, kind="invoices.zip", params={"numbers": []})

    outcomes = _race([start] * 6)
    assert outcomes.count("ok") == 2
    assert outcomes.count("user_cap") == 4
    assert Job.objects.filter(user=user, state=Job.State.QUEUED).count() == 2


def test_parallel_colleagues_cannot_exceed_the_company_cap(settings):
    settings.JOBS_MAX_ACTIVE_PER_COMPANY = 3
    company = CompanyFactory(country=CountryFactory())
    users = [member(company, role=Role.VIEWER) for _ in range(6)]

    def start(user):
        return lambda: jobs.job_start(
            company=company, user=user, kind="invoices.zip", params={"numbers": []}
        )

    outcomes = _race([start(u) for u in users])
    assert outcomes.count("ok") == 3
    assert Job.objects.filter(company=company).count() == 3
