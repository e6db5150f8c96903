"""With Redis down, signing in and browsing still work (the cache degrades)."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from portal.configuration import redis_caches

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:6399/0"


@pytest.fixture
def redis_down(settings):
    """The production caches (portal.configuration.redis_caches) on a closed port."""
    settings.CACHES = redis_caches(CLOSED_PORT, timeout=0.2)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_sign_in_and_pages_work_with_redis_down(client, viewer, company, redis_down):
    response = client.post(
        reverse("account_login"), {"login": viewer.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(reverse("portal:profile")).status_code == 200


def test_health_check_names_the_cache_when_redis_is_down(client, redis_down):
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 503 and "cache" in response.json()
    assert response.json()["cache"].startswith("error")


def test_a_lock_is_not_granted_while_redis_is_down(redis_down):
    """cache.add() is how a lock is taken: with Redis down it must answer no, not yes."""
    assert not caches["default"].add("lock:statement-render:42", "me", 30)
    assert caches["default"].get("lock:statement-render:42") is None


def test_wrong_passwords_are_still_refused_with_redis_down(client, viewer, redis_down):
    response = client.post(reverse("account_login"), {"login": viewer.email, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
