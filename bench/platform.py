"""The platform's pages under load: the home page (tiles and figures of every app) and
the health check that load balancers and the container engine poll.

Measured after every application has seeded (the runner runs this module last), so
the figures aggregate the whole dataset: once as most visits find them (kept for a
minute, COMPANY_CACHE_SECONDS) and once as the first visit of the minute computes them."""

from django.urls import reverse

from bench.core import Context, Page

NAME = "platform"


def seed(ctx: Context) -> None:
    """Nothing to add: the home page shows the figures the applications seeded."""


def pages(ctx: Context) -> list[Page]:
    from portal.company_cache import company_changed

    home = reverse("portal:home")
    return [
        Page("home (signed in, every app)", home, target_p95_ms=150),
        Page(
            "home (figures computed)",
            home,
            target_p95_ms=150,
            before=lambda: company_changed(ctx.company.pk),
        ),
        Page("healthz", reverse("portal:healthz"), target_p95_ms=50),
    ]
