"""Platform tasks: they take ids and call portal services."""

from celery import shared_task

from portal import notify


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notification(pk: int) -> str:
    return notify.deliver(pk)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    return notify.sweep()
