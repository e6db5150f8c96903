"""portal.db_router's decisions, without a replica (tests/cluster/test_replica.py runs the
real one): which tables may be read from it, which pages, and who is pinned to the primary."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from invoices.models import Invoice
from portal import db_router
from portal.models import Authorization, User
from requests_inbox.models import Request


@pytest.fixture
def replica_reads():
    token = db_router._reads_from_replica.set(True)
    yield
    db_router._reads_from_replica.reset(token)


def test_business_tables_read_the_replica_only_when_the_request_allows_it(replica_reads):
    router = db_router.ReplicaRouter()
    assert router.db_for_read(Invoice) == "replica"
    assert router.db_for_read(Request) == "replica"
    # The gate's and the sign-in's tables: always the primary.
    assert router.db_for_read(User) == "default"
    assert router.db_for_read(Authorization) == "default"
    assert router.db_for_write(Invoice) == "default"
    assert router.allow_migrate("replica", "invoices") is False
    db_router._reads_from_replica.set(False)
    assert router.db_for_read(Invoice) == "default"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/invoices/", True),
        ("/invoices/F-1/", True),
        ("/requests/CS-2026-000001/", True),
        ("/invoices/F-1/pdf/", False),
        ("/requests/new/", False),
        ("/", False),
    ],
)
def test_only_list_and_detail_pages_may_use_the_replica(path, expected):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    assert db_router._list_or_detail(request) is expected


@pytest.mark.django_db
def test_a_post_pins_its_user_to_the_primary_on_every_node(viewer, settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 30
    assert db_router._pinned(viewer.pk) is False
    request = RequestFactory().post("/requests/new/")
    request.user = viewer
    middleware = db_router.ReplicaReadsMiddleware(lambda r: HttpResponse(status=302))
    middleware(request)
    assert db_router._pinned(viewer.pk) is True  # read from the shared cache
    assert db_router._reads_from_replica.get() is False
    # A GET pins nobody.
    other = RequestFactory().get("/requests/")
    other.user = User.objects.create(email="other@acme.test")
    middleware(other)
    assert db_router._pinned(other.user.pk) is False
