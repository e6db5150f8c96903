"""Statements OnLine periodic tasks (beat schedule in portal/settings.py)."""

from celery import shared_task

from statements import services


@shared_task(ignore_result=True)
def monthly_statements() -> int:
    """Runs daily; acts from the first business day of the month (see the service)."""
    return services.monthly_statements_send()
