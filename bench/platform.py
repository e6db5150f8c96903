"""The platform's pages under load: the home page (tiles and figures of every app) and
the health check that load balancers and the container engine poll."""

from django.urls import reverse

from bench.core import Context, Page

NAME = "platform"


def seed(ctx: Context) -> None:
    """Nothing to add: the home page shows the figures the applications seeded."""


def pages(ctx: Context) -> list[Page]:
    return [
        Page("home (signed in, every app)", reverse("portal:home"), target_p95_ms=150),
        Page("healthz", reverse("portal:healthz"), target_p95_ms=50),
    ]
