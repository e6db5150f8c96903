"""The portal's Celery app for the worker processes of test_worker_killed.py.

Identical to portal.celery.app except the Redis visibility timeout, which the test
shortens (FAULTS_VISIBILITY_TIMEOUT seconds) so that a task whose worker was killed
is handed to the next worker within seconds instead of an hour.
"""

import os

from portal.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "3600")),
}

__all__ = ["app"]
