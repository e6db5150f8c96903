"""With Redis down, signing in and browsing still work (the cache degrades)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:6399/0"


@pytest.fixture
def redis_down(settings):
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": options,
        },
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": options,
        },
    }
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
