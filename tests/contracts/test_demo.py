import pytest

from contracts import demo
from contracts.history import verify_chain
from contracts.models import Contract
from portal.demo import seed_platform

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_covers_the_life_cycle():
    world = seed_platform()
    demo.seed(world)
    count = Contract.objects.count()
    demo.seed(world)
    assert Contract.objects.count() == count
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "in_approval", "awaiting_signature", "active"} <= statuses
    assert {"expired", "terminated", "amendment_approval"} <= statuses
    assert verify_chain() is None
