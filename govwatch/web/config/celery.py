"""The Celery app for distributed mode (`govwatch worker`).

With no CELERY_BROKER_URL, tasks run in-process (eagerly), which is the embedded default.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")

app = Celery("govwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["govwatch.web.scans", "govwatch.web.monitoring", "govwatch.web.operations"])
