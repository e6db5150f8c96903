"""Periodic tasks of Order Status Online (beat schedule in portal/settings.py)."""

from celery import shared_task

from orders import services


@shared_task(ignore_result=True)
def scheduled_reports() -> int:
    """Daily: e-mail every weekly/monthly report not yet sent in its current period."""
    return services.scheduled_reports_send()
