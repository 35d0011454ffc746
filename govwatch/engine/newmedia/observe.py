"""From collected posts and source health to the indicator input ``AccountObservation``.

The one rule that matters here: when the account's source failed at its latest
attempt, ``posts`` is None (unknown), so the checks report 「更新情况未知」 and never
「未更新」. Times are handed over in aware Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from govwatch.engine.checks.inputs import AccountObservation, Platform
from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.adapters.base import Post
from govwatch.engine.newmedia.health import HealthSummary
from govwatch.engine.text.findings import TextHit


@dataclass(frozen=True, slots=True)
class AccountMeta:
    """Registry facts about an account (from the web layer or a registry import)."""

    account_id: str
    platform: Platform
    name: str
    supervising_unit: str = ""
    registered_national: bool | None = None
    has_interaction: bool | None = None
    # Names and aliases of the opening and supervising units (NMA007 compares 认证主体).
    registered_owners: tuple[str, ...] = ()


def _as_time(item: Post | datetime) -> datetime:
    return item.published_at if isinstance(item, Post) else item


def account_observation(
    account_meta: AccountMeta,
    posts: Iterable[Post | datetime] | None,
    health: HealthSummary | None = None,
    *,
    text_hits: Iterable[TextHit] = (),
    seen_name: str | None = None,
    seen_owner: str | None = None,
) -> AccountObservation:
    """The observation the NMA checks read.

    ``posts`` None, or ``health`` saying the latest attempt failed (or never ran),
    gives unknown posts. Posts of other accounts are ignored, so the caller may pass
    a whole source's batch.
    """
    known = posts is not None and (health is None or health.account_state == "known")
    times: tuple[datetime, ...] | None = None
    if known and posts is not None:
        selected = (
            _as_time(p)
            for p in posts
            if not isinstance(p, Post) or p.account_id == account_meta.account_id
        )
        local = (p.astimezone(BEIJING) if p.tzinfo else p.replace(tzinfo=BEIJING) for p in selected)
        times = tuple(sorted(local))
    return AccountObservation(
        account_id=account_meta.account_id,
        platform=account_meta.platform,
        name=account_meta.name,
        posts=times,
        registered_national=account_meta.registered_national,
        has_interaction=account_meta.has_interaction,
        text_hits=tuple(text_hits),
        registered_owners=account_meta.registered_owners,
        seen_name=seen_name,
        seen_owner=seen_owner,
    )
