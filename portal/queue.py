"""Handing work to the Celery workers without ever losing it to a broker outage.

The state a task works on is always in the database first (an outbox row, a ZIP job);
the broker only carries its id. If Redis is unreachable, handing over fails soft: the
request that wrote the row still succeeds, and the caller's periodic sweep hands the
row over again once the broker is back.
"""

import logging

from celery import Task
from django.db import transaction

log = logging.getLogger(__name__)


def hand_over(task: Task, *args: object) -> bool:
    """Queue `task(*args)` now; False (and a warning) when the broker is unreachable."""
    try:
        task.apply_async(args, retry=False)
    except Exception as exc:  # noqa: BLE001 - broker down: the sweep will do it later
        log.warning(
            "enqueue failed", extra={"task": task.name, "task_args": args, "error": str(exc)}
        )
        return False
    return True


def hand_over_on_commit(task: Task, *args: object) -> None:
    """Queue `task(*args)` once the current transaction commits (never before)."""
    transaction.on_commit(lambda: hand_over(task, *args))
