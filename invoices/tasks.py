"""Celery tasks of Invoices On-Line (the beat schedule lives in portal/settings.py)."""

from celery import shared_task

from invoices import services


@shared_task(name="invoices.tasks.overdue_scan")
def overdue_scan() -> int:
    return services.overdue_scan()


@shared_task(name="invoices.tasks.build_zip")
def build_zip(job_id: int) -> int:
    """Build a large ZIP of PDFs; on failure the job page says so instead of waiting forever."""
    from invoices.models import ZipJob

    try:
        return services.zip_build(job_id).pk
    except Exception:
        ZipJob.objects.filter(pk=job_id).exclude(status=ZipJob.Status.READY).update(
            status=ZipJob.Status.FAILED
        )
        raise


@shared_task(name="invoices.tasks.zip_sweep")
def zip_sweep() -> int:
    """Hand over again the ZIP jobs a broker outage left waiting."""
    return services.zip_sweep()
