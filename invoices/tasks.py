"""Celery tasks of Invoices On-Line (the beat schedule lives in portal/settings.py)."""

from celery import shared_task

from invoices import services


@shared_task(name="invoices.tasks.overdue_scan")
def overdue_scan() -> int:
    return services.overdue_scan()
