"""New-media services: the only way other code (CLI, views, tasks) uses this app.

Parsing, dedupe keys, health, activity and reprint matching are the engine's
(govwatch.engine.newmedia); these functions feed it stored rows and store what it returns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch import FetchConfig, Fetcher
from govwatch.engine.newmedia.activity import Activity, ActivityIndex, Window
from govwatch.engine.newmedia.adapters.base import Post as EnginePost
from govwatch.engine.newmedia.adapters.base import Rejected, Source
from govwatch.engine.newmedia.adapters.feed import FeedOutcome, fetch_feed
from govwatch.engine.newmedia.adapters.push import PushAuthError, PushPayloadError, parse_payload
from govwatch.engine.newmedia.content import post_text_hits
from govwatch.engine.newmedia.health import HealthSummary
from govwatch.web.config.engine import fetch_config
from govwatch.web.newmedia.importing import PostsImportError, post_row, posts_import
from govwatch.web.newmedia.models import (
    FetchAttempt,
    Post,
    PushToken,
    stored_dedupe_key,
    token_digest,
)
from govwatch.web.newmedia.reprints import reprint_results
from govwatch.web.newmedia.selectors import (
    account_observations,
    engine_platform,
    observed_accounts,
    post_times,
    source_health,
)
from govwatch.web.newmedia.sightings import sighting_record
from govwatch.web.registry.models import Account

Progress = Callable[[int, int, Account], None]


@dataclass(frozen=True)
class StoreCounts:
    new: int
    duplicate: int


def posts_store(account: Account, posts: Iterable[EnginePost], kind: str) -> StoreCounts:
    """Store one account's posts once each; already stored keys count as duplicates."""
    keyed: dict[str, EnginePost] = {}
    for post in posts:
        keyed.setdefault(stored_dedupe_key(post.dedupe_key), post)
    seen = len(keyed)
    if not keyed:
        return StoreCounts(0, 0)
    stored = set(
        Post.objects.filter(account=account, dedupe_key__in=list(keyed)).values_list(
            "dedupe_key", flat=True
        )
    )
    rows = [post_row(account.pk, k, p, kind) for k, p in keyed.items() if k not in stored]
    # ignore_conflicts: another fetch or import may store the same post concurrently.
    Post.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return StoreCounts(len(rows), seen - len(rows))


# ---------------------------------------------------------------- feeds


@dataclass
class FetchReport:
    accounts: int = 0
    ok: int = 0
    failed: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    failures: list[tuple[Account, str]] = field(default_factory=list)


def _feed_source(account: Account) -> Source:
    return Source(
        source_id=str(account.pk),
        account_id=str(account.pk),
        platform=engine_platform(account.platform),
        url=account.feed_url,
    )


async def _fetch_all(
    accounts: Sequence[Account], config: FetchConfig, now: dt.datetime, progress: Progress | None
) -> dict[int, FeedOutcome]:
    by_id = {a.pk: a for a in accounts}
    outcomes: dict[int, FeedOutcome] = {}
    async with Fetcher(config) as fetcher:
        tasks = [asyncio.ensure_future(fetch_feed(fetcher, _feed_source(a), now)) for a in accounts]
        # as_completed rather than gather: a terminal shows each account as it finishes.
        for done, future in enumerate(asyncio.as_completed(tasks), start=1):
            outcome = await future
            account = by_id[int(outcome.source_id)]
            outcomes[account.pk] = outcome
            if progress is not None:
                progress(done, len(accounts), account)
    return outcomes


def posts_fetch(
    accounts: Iterable[Account] | QuerySet[Account] | None = None,
    *,
    now: dt.datetime | None = None,
    fetch: FetchConfig | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch the feed of every account collected by feed (or of ``accounts``), store new
    posts, and record one ``FetchAttempt`` per account, failures included.

    ``fetch`` overrides the fetch configuration built from the settings
    (GOVWATCH_ALLOW_HOSTS, GOVWATCH_RESOLVE).
    """
    chosen = observed_accounts(
        Account.objects.filter(ingestion_source="feed") if accounts is None else accounts
    )
    moment = now or timezone.now()
    report = FetchReport(accounts=len(chosen))
    without_url = [a for a in chosen if not a.feed_url]
    with_url = [a for a in chosen if a.feed_url]
    outcomes = asyncio.run(_fetch_all(with_url, fetch or fetch_config(), moment, progress))
    attempts: list[FetchAttempt] = [
        FetchAttempt(account=a, at=moment, ok=False, error="no_feed_url", detail="未登记订阅源地址")
        for a in without_url
    ]
    for account in without_url:
        report.failures.append((account, "未登记订阅源地址"))
    report.failed += len(without_url)
    for account in with_url:
        outcome = outcomes[account.pk]
        attempt = outcome.attempt
        counts = StoreCounts(0, 0)
        if attempt.ok:
            with transaction.atomic():
                counts = posts_store(account, outcome.batch.posts, "feed")
                sighting_record(account.pk, outcome.batch.profile, "feed", attempt.at)
            report.ok += 1
        else:
            report.failed += 1
            report.failures.append((account, attempt.detail or attempt.error))
        report.new += counts.new
        report.duplicate += counts.duplicate
        report.rejected += len(outcome.batch.rejected)
        attempts.append(
            FetchAttempt(
                account=account,
                at=attempt.at,
                ok=attempt.ok,
                error=attempt.error,
                http_status=attempt.status,
                detail=attempt.detail[:2000],
                posts_seen=len(outcome.batch.posts),
                posts_new=counts.new,
            )
        )
    FetchAttempt.objects.bulk_create(attempts)
    return report


# ---------------------------------------------------------------- content checks


@dataclass(frozen=True)
class TextCheckReport:
    checked: int
    with_hits: int
    changed: int


def posts_text_check(
    since: dt.date | None = None, *, progress: Callable[[int, int], None] | None = None
) -> TextCheckReport:
    """Run the content checks again on stored posts (published on or after ``since``).

    Posts are checked when stored; this is for after the lexicons or rules change, so
    that an inspection judges old posts by today's rules.
    """
    posts = Post.objects.order_by("pk")
    if since is not None:
        posts = posts.filter(
            published_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=BEIJING)
        )
    total = posts.count()
    checked = with_hits = changed = 0
    last_pk = 0
    while True:
        batch = list(posts.filter(pk__gt=last_pk).only("pk", "title", "text", "text_hits")[:2000])
        if not batch:
            break
        dirty = []
        for post in batch:
            hits = post_text_hits(post.title, post.text)
            with_hits += bool(hits)
            if hits != post.text_hits:
                post.text_hits = list(hits)
                dirty.append(post)
        Post.objects.bulk_update(dirty, ["text_hits"])
        changed += len(dirty)
        checked += len(batch)
        last_pk = batch[-1].pk
        if progress is not None:
            progress(checked, total)
    return TextCheckReport(checked, with_hits, changed)


# ---------------------------------------------------------------- push


def push_token_issue(account: Account) -> str:
    """A new push token for ``account`` (replacing any old one); shown once, stored hashed."""
    token = secrets.token_urlsafe(32)
    PushToken.objects.update_or_create(
        account=account, defaults={"token_digest": token_digest(token)}
    )
    return token


def push_token_check(account: Account, token: str | None) -> bool:
    stored = (
        PushToken.objects.filter(account=account).values_list("token_digest", flat=True).first()
    )
    if not stored or not token:
        return False
    # Both sides are digests of equal length: the comparison time says nothing about the token.
    return hmac.compare_digest(stored.encode("ascii"), token_digest(token).encode("ascii"))


@dataclass
class PushReport:
    new: int
    duplicate: int
    rejected: list[Rejected]


def posts_push(account: Account, token: str | None, payload: bytes) -> PushReport:
    """Store a pushed batch. Raises ``PushAuthError`` (→ 401) before the body is read,
    ``PushPayloadError`` (→ 400) when the payload as a whole is unusable."""
    if not push_token_check(account, token):
        raise PushAuthError("推送令牌无效")
    assert token is not None
    platform = engine_platform(account.platform)
    source = Source(f"push:{account.pk}", account_id=str(account.pk), platform=platform)
    # The token was checked above against its digest; the engine compares it again.
    batch = parse_payload(payload, source, token, token)
    own = {str(account.pk), account.name, account.platform_id} - {""}
    accepted: list[EnginePost] = []
    rejected = list(batch.rejected)
    for index, post in enumerate(batch.posts):
        if post.account_id not in own:
            # A token is for one account: it must not write posts of another.
            rejected.append(Rejected(f"posts[{index}]", f"账号与推送地址不一致：{post.account_id}"))
            continue
        accepted.append(replace(post, account_id=str(account.pk), platform=platform))
    with transaction.atomic():
        counts = posts_store(account, accepted, "push")
        now = timezone.now()
        sighting_record(account.pk, batch.profile, "push", now)
        PushToken.objects.filter(account=account).update(last_used_at=now)
    return PushReport(counts.new, counts.duplicate, rejected)


# ---------------------------------------------------------------- activity


@dataclass(frozen=True)
class ActivityRow:
    account: Account
    activity: Activity
    health: HealthSummary | None  # feed accounts only


def accounts_activity_report(window: Window) -> list[ActivityRow]:
    """Every account's activity over natural days (Beijing time), from one pass over the
    stored posts, with each feed account's source health (for 「采集失败」 marks)."""
    accounts = observed_accounts(None)
    start = dt.datetime.combine(window.start, dt.time.min, tzinfo=BEIJING)
    end = dt.datetime.combine(window.end, dt.time.max, tzinfo=BEIJING)
    index = ActivityIndex()
    # Rolling weeks look back a week before the window.
    for account_id, moments in post_times(None, start - dt.timedelta(days=7), end).items():
        for moment in moments:
            index.add(str(account_id), moment)
    computed = index.compute(window, account_ids=[str(a.pk) for a in accounts])
    health = source_health([a.pk for a in accounts if a.ingestion_source == "feed"])
    return [ActivityRow(a, computed[str(a.pk)], health.get(a.pk)) for a in accounts]


__all__ = [
    "PostsImportError",
    "PushAuthError",
    "PushPayloadError",
    "account_observations",
    "accounts_activity_report",
    "posts_fetch",
    "posts_import",
    "posts_push",
    "posts_text_check",
    "push_token_issue",
    "reprint_results",
]
