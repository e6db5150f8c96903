"""Celery tasks of Invoices On-Line (the beat schedule lives in portal/settings.py)."""

from celery import shared_task

from invoices.overdue import invoice_overdue_scan


@shared_task(name="invoices.tasks.overdue_scan")
def overdue_scan() -> int:
    return invoice_overdue_scan()
