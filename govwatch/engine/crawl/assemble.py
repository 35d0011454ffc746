"""Turning a finished crawl into the SiteScanResult value."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from govwatch.engine.crawl.crawler import CrawlData
from govwatch.engine.crawl.frontier import ATTACHMENT_EXTENSIONS, extension
from govwatch.engine.crawl.models import (
    BrokenLink,
    ColumnResult,
    HomeResult,
    LinkOutcome,
    ScanConfig,
)
from govwatch.engine.parse.page import PageDigest
from govwatch.engine.parse.types import ListItem
from govwatch.engine.parse.urls import host_of


def broken_links(data: CrawlData) -> tuple[BrokenLink, ...]:
    out: list[BrokenLink] = []
    for url, (outcome, reason, status) in sorted(data.outcomes.items()):
        if outcome is LinkOutcome.OK:
            continue
        external = url.startswith("unsupported:") or host_of(url) not in data.hosts
        kind_override = "attachment" if extension(url) in ATTACHMENT_EXTENSIONS else ""
        pages_seen: set[str] = set()
        for page, text, kind in data.referrers.get(url, ()):
            if page in pages_seen:
                continue  # a page processed twice (re-parsed as a list page) counts once
            pages_seen.add(page)
            out.append(
                BrokenLink(
                    url=url,
                    outcome=outcome,
                    reason=reason,
                    status=status,
                    page_url=page,
                    anchor_text=text,
                    on_home=page == data.home,
                    external=external,
                    kind=kind_override or kind,
                )
            )
    return tuple(out)


def link_counts(data: CrawlData) -> tuple[tuple[str, int], ...]:
    counts = Counter(outcome.value for outcome, _, _ in data.outcomes.values())
    return tuple(sorted(counts.items()))


def _error_for(data: CrawlData, url: str) -> str:
    known = data.outcomes.get(url)
    if known is not None and known[0] is not LinkOutcome.OK:
        return known[1]
    return "" if url in data.list_digests else "not fetched"


def columns(data: CrawlData) -> tuple[ColumnResult, ...]:
    pages_of: dict[str, list[PageDigest]] = {}
    for page_url, owner in data.list_owner.items():
        digest = data.list_digests.get(page_url)
        if digest is not None:
            pages_of.setdefault(owner, []).append(digest)
    results: list[ColumnResult] = []
    for spec, registered in data.columns:
        digests = pages_of.get(spec.url, [])
        root_error = _error_for(data, spec.url)
        seen: dict[str, ListItem] = {}
        for digest in digests:
            for item in digest.items:
                if item.published is None and item.url in data.article_dates:
                    # The list shows no date: the article's own header (or meta) gives it.
                    published, source = data.article_dates[item.url]
                    item = ListItem(item.title, item.url, published, source)
                seen.setdefault(item.url, item)
        items = tuple(seen.values())
        dates = [i.published for i in items if i.published is not None]
        results.append(
            ColumnResult(
                name=spec.name,
                url=spec.url,
                registered=registered,
                items=items,
                item_count=len(items),
                undated_count=len(items) - len(dates),
                newest_date=max(dates) if dates else None,
                list_pages=len(digests),
                blank=not items and not root_error,
                error=root_error,
            )
        )
    return tuple(results)


def home_result(data: CrawlData, config: ScanConfig, scan_date: date) -> HomeResult:
    digest = data.list_digests.get(data.home)
    error = _error_for(data, data.home)
    if digest is None:
        return HomeResult(data.home, False, error or "not fetched", None, ())
    since = scan_date - timedelta(days=config.home_window_days)
    dated = [i for i in digest.items if i.published is not None]
    recent = tuple(i for i in dated if i.published is not None and since <= i.published)
    newest = max((i.published for i in dated if i.published is not None), default=None)
    return HomeResult(data.home, True, "", newest, recent)
