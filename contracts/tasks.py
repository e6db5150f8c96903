"""Periodic work of Contracts OnLine (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from contracts import services


@shared_task(ignore_result=True)
def expiry_notices() -> dict[str, int]:
    """Daily: roll statuses (start/end dates reached), then send the expiry notices."""
    counts = services.contracts_roll_daily()
    counts["notices"] = services.contract_expiry_notices()
    return counts
