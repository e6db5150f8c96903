"""Platform tasks: they take ids and call portal services."""

from celery import shared_task

from portal import notify


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notification(pk: int) -> str:
    return notify.deliver(pk)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    return notify.sweep()


@shared_task(name="portal.tasks.run_job", acks_late=True, ignore_result=True)
def run_job(job_id: int) -> str:
    """Build one long job (ZIP, export, report e-mail, statement PDF); see portal.jobs."""
    from portal import jobs

    return jobs.job_run(job_id).state


@shared_task(name="portal.tasks.jobs_sweep", ignore_result=True)
def jobs_sweep() -> int:
    from portal import jobs

    return jobs.jobs_sweep()
