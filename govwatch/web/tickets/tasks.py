"""The re-check on a Celery worker (distributed mode)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="govwatch.recheck", acks_late=True)
def recheck_task(item_ids: list[int]) -> dict[str, int]:
    from govwatch.web.tickets.services import problem_items_recheck

    return problem_items_recheck(item_ids)
