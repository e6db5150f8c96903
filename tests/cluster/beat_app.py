"""The portal's Celery app for the two beat processes of test_workers.py.

Identical to portal.celery.app (celery-redbeat, its Redis lock) except the schedule:
the outbox sweep every second, published to a queue no worker reads (the test counts
the messages and who published them), under a key prefix of its own so that these two
beats compete with each other and not with the cluster's beat.
"""

import os
from datetime import timedelta

from portal.celery import app

app.conf.beat_schedule = {
    "outbox-sweep": {
        "task": "portal.tasks.outbox_sweep",
        "schedule": timedelta(seconds=1),
        "options": {"queue": os.environ["CLUSTER_PROBE_QUEUE"]},
    }
}
app.conf.redbeat_key_prefix = os.environ["CLUSTER_PROBE_QUEUE"] + ":"
app.conf.beat_max_loop_interval = 1
app.conf.redbeat_lock_timeout = 5

__all__ = ["app"]
