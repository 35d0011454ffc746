"""Celery's side of the watch: one task runs any job of `jobs.JOBS`, so Celery workers and
the embedded run execute the same functions. Acknowledged late and rejected when the
worker process is lost, so a job whose worker was killed is delivered again; a crawl
finding its site busy comes back after GOVWATCH_BUSY_RETRY_SECONDS."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task


@shared_task(
    name="govwatch.job",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def job_task(self: Task, name: str, kwargs: dict[str, Any]) -> str:
    from django.conf import settings

    from govwatch.web.monitoring.jobs import Busy, Job, job_run
    from govwatch.web.monitoring.services import schedule_finish

    # A job that is its schedule's whole firing (a probe round, the feeds, a daily job)
    # writes its outcome back, so the admin shows it as in the embedded run; a site's
    # crawl is one of many and leaves the schedule at 已派发.
    schedule_id = kwargs.get("schedule_id") if name != "site_scan" else None
    try:
        message = job_run(Job(name, kwargs))
    except Busy as exc:
        raise self.retry(countdown=settings.GOVWATCH_BUSY_RETRY_SECONDS, exc=exc) from exc
    except Exception as exc:
        if schedule_id is not None:
            schedule_finish(int(schedule_id), "failed", f"{type(exc).__name__}: {exc}")
        raise
    if schedule_id is not None:
        schedule_finish(int(schedule_id), "ok", message)
    return message


def jobs_send(jobs: list[Any]) -> None:
    """Queue JOBS for the Celery workers, each stopped at GOVWATCH_JOB_TIME_LIMIT (a job
    past its time limit fails and is acknowledged; it is not delivered again)."""
    from django.conf import settings

    limit = settings.GOVWATCH_JOB_TIME_LIMIT
    for job in jobs:
        job_task.apply_async(
            (job.name, job.kwargs), time_limit=limit, soft_time_limit=max(limit - 30, limit * 0.9)
        )
