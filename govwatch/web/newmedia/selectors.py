"""Read-only queries that turn stored posts and fetch attempts into the engine's values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery

from govwatch.engine.checks.inputs import AccountObservation, Platform
from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.health import FetchAttempt as AttemptValue
from govwatch.engine.newmedia.health import HealthSummary, summarize
from govwatch.engine.newmedia.observe import AccountMeta, account_observation
from govwatch.engine.text.findings import TextHit
from govwatch.web.newmedia.models import AccountSighting, FetchAttempt, Post
from govwatch.web.registry.models import Account, UnitAlias

# Registry platform codes → the engine's coarser platforms (the checks know no 订阅号/服务号).
ENGINE_PLATFORM: Final[dict[str, Platform]] = {
    "wechat_official_account": "wechat",
    "wechat_subscription_account": "wechat",
    "wechat_service_account": "wechat",
    "sina_weibo": "weibo",
    "douyin": "douyin",
    "toutiao": "toutiao",
    "mobile_app": "app",
}
# Posts this far before the period still decide "days since the last post" at its start.
LOOKBACK: Final = dt.timedelta(days=31)


def engine_platform(code: str) -> Platform:
    return ENGINE_PLATFORM.get(code, "other")


def account_meta(account: Account, aliases: dict[int, list[str]] | None = None) -> AccountMeta:
    """Registry facts of ``account``; ``aliases`` (unit pk → aliases) widens the owners."""
    unit = account.supervising_unit or account.opening_unit
    owners: list[str] = []
    for owner in (account.opening_unit, account.supervising_unit):
        if owner is not None and owner.name not in owners:
            owners += [owner.name, *(aliases or {}).get(owner.pk, [])]
    return AccountMeta(
        account_id=str(account.pk),
        platform=engine_platform(account.platform),
        name=account.name,
        supervising_unit=unit.name if unit else "",
        registered_national=account.registered_national,
        has_interaction=account.has_interaction,
        registered_owners=tuple(owners),
    )


def unit_aliases(accounts: Iterable[Account]) -> dict[int, list[str]]:
    """Aliases of the opening and supervising units of ``accounts``, by unit pk."""
    ids = {a.opening_unit_id for a in accounts} | {a.supervising_unit_id for a in accounts}
    found: dict[int, list[str]] = {}
    rows = UnitAlias.objects.filter(unit_id__in=ids - {None}).values_list("unit_id", "alias")
    for unit_id, alias in rows.order_by("pk"):
        found.setdefault(unit_id, []).append(alias)
    return found


def sightings_at(
    account_ids: Iterable[int], moment: dt.datetime
) -> dict[int, tuple[dt.datetime, str, str]]:
    """Per account, the latest sighting at or before ``moment``, else the first after it.

    Names change rarely, and an inspection usually runs after its monitoring point: a
    sighting made then is the best evidence of the name at the point that there is.
    """
    chosen: dict[int, tuple[dt.datetime, str, str]] = {}
    rows = AccountSighting.objects.filter(account_id__in=list(account_ids)).order_by("at", "pk")
    for account_id, at, name, owner in rows.values_list("account_id", "at", "name", "owner"):
        held = chosen.get(account_id)
        if held is None or at <= moment:  # ascending: the last one at or before wins
            chosen[account_id] = (at, name, owner)
    return chosen


def post_text_hits(
    account_ids: Iterable[int], since: dt.datetime | None, until: dt.datetime
) -> dict[int, list[TextHit]]:
    """Content-check hits of the posts published in [since, until], per account."""
    posts = Post.objects.filter(account_id__in=list(account_ids), published_at__lte=until)
    if since is not None:
        posts = posts.filter(published_at__gte=since)
    found: dict[int, list[TextHit]] = {}
    rows = posts.exclude(text_hits=[]).values_list("account_id", "pk", "url", "text_hits")
    for account_id, pk, url, hits in rows.order_by("published_at", "pk").iterator(2000):
        where = url or f"post:{pk}"
        found.setdefault(account_id, []).extend(TextHit.from_stored(h, url=where) for h in hits)
    return found


def source_health(
    account_ids: Iterable[int], until: dt.datetime | None = None
) -> dict[int, HealthSummary]:
    """Health of each account's feed from its attempts up to ``until``.

    Only the latest success and the failures after it are read: that is all
    ``summarize`` needs for the state and 「自…起采集失败」, however long the history is.
    """
    ids = list(account_ids)
    attempts = FetchAttempt.objects.filter(account_id__in=ids)
    if until is not None:
        attempts = attempts.filter(at__lte=until)
    last_ok = (
        attempts.filter(account_id=OuterRef("account_id"), ok=True).order_by("-at").values("at")[:1]
    )
    rows = (
        attempts.annotate(last_ok=Subquery(last_ok))
        .filter(Q(last_ok__isnull=True) | Q(at__gte=F("last_ok")))
        .values_list("account_id", "at", "ok", "error", "http_status", "detail")
    )
    grouped: dict[int, list[AttemptValue]] = {i: [] for i in ids}
    for account_id, at, ok, error, status, detail in rows.iterator(chunk_size=5000):
        # Beijing time, so describe_zh() says 「自 2024-02-25 18:00 起」 as the office reads it.
        local = at.astimezone(BEIJING)
        grouped[account_id].append(AttemptValue(local, ok, error, status, detail))
    return {i: summarize(str(i), attempts) for i, attempts in grouped.items()}


def post_times(
    account_ids: Iterable[int] | None, since: dt.datetime | None, until: dt.datetime
) -> dict[int, list[dt.datetime]]:
    """Publication times per account in (since, until], plus each account's last post
    at or before ``since`` (so a long silence before the window is still seen)."""
    posts = Post.objects.filter(published_at__lte=until)
    if account_ids is not None:
        posts = posts.filter(account_id__in=list(account_ids))
    grouped: dict[int, list[dt.datetime]] = {}
    window = posts if since is None else posts.filter(published_at__gt=since)
    rows = window.values_list("account_id", "published_at").order_by()
    for account_id, published_at in rows.iterator(chunk_size=20000):
        bucket = grouped.get(account_id)
        if bucket is None:
            bucket = grouped[account_id] = []
        bucket.append(published_at)
    if since is not None:
        before = posts.filter(published_at__lte=since).values("account_id").order_by()
        for row in before.annotate(last=Max("published_at")):
            grouped.setdefault(row["account_id"], []).append(row["last"])
    return grouped


def observed_accounts(accounts: Iterable[Account] | QuerySet[Account] | None) -> list[Account]:
    if accounts is None:
        accounts = Account.objects.all()
    if isinstance(accounts, QuerySet):
        return list(accounts.select_related("supervising_unit", "opening_unit"))
    return list(accounts)


def account_observations(
    monitoring_point: dt.datetime,
    period_start: dt.date | None = None,
    *,
    accounts: Iterable[Account] | QuerySet[Account] | None = None,
) -> list[tuple[Account, AccountObservation]]:
    """The observation of every account (or ``accounts``) at the monitoring point.

    Feed accounts are judged by their latest fetch attempt: if it failed (or none was
    made) the posts are unknown, never "not updated". Accounts filled by export files,
    pushes or by hand use their stored posts as they are.
    """
    chosen = observed_accounts(accounts)
    ids = [a.pk for a in chosen]
    since = start = None
    if period_start is not None:
        start = dt.datetime.combine(period_start, dt.time.min, tzinfo=BEIJING)
        since = start - LOOKBACK
    times = post_times(ids if accounts is not None else None, since, monitoring_point)
    feed_ids = [a.pk for a in chosen if a.ingestion_source == "feed"]
    health = source_health(feed_ids, monitoring_point) if feed_ids else {}
    aliases = unit_aliases(chosen)
    sightings = sightings_at(ids, monitoring_point)
    # Expression errors count for the period's posts only (start exclusive of the lookback).
    hits = post_text_hits(ids, start, monitoring_point)
    result: list[tuple[Account, AccountObservation]] = []
    for account in chosen:
        sighting = sightings.get(account.pk)
        observation = account_observation(
            account_meta(account, aliases),
            times.get(account.pk, []),
            health.get(account.pk),
            text_hits=hits.get(account.pk, ()),
            seen_name=(sighting[1] or None) if sighting else None,
            seen_owner=(sighting[2] or None) if sighting else None,
        )
        result.append((account, observation))
    return result
