"""An operation on a Celery worker (distributed mode)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="govwatch.operation", acks_late=True)
def operation_task(operation_id: int) -> str:
    from govwatch.web.operations.services import operation_execute

    return operation_execute(operation_id)
