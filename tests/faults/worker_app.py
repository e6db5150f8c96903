"""The portal's Celery app for the worker processes of test_worker_killed.py.

Identical to portal.celery.app except the Redis visibility timeout, which the test
shortens (FAULTS_VISIBILITY_TIMEOUT seconds) so that a task whose worker was killed
is handed to the next worker within seconds instead of an hour, and kombu's restore
scan, which by default runs only on every tenth poll (about every 100 s): here on
every poll, every second.
"""

import os

from portal.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_throttle": 1,
    "unacked_restore_interval": 1,
}

__all__ = ["app"]
