"""The public entry points: scan one site (async or sync), probe availability."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime

from govwatch.engine.clock import BEIJING
from govwatch.engine.crawl import assemble
from govwatch.engine.crawl.crawler import SiteCrawler
from govwatch.engine.crawl.models import (
    HomeResult,
    LinkOutcome,
    PageFailure,
    Probe,
    ScanConfig,
    ScanStats,
    SiteScanResult,
    SiteSpec,
)
from govwatch.engine.crawl.state import StateStore
from govwatch.engine.fetch.client import Fetcher
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.monitoring.probes import probe_once, round_config
from govwatch.engine.parse.urls import normalize_url
from govwatch.engine.site.facts import SiteFacts, extract_site_facts


async def probe_availability(
    url: str,
    fetch_config: FetchConfig,
    *,
    timeout: float = 15.0,
    count: int = 1,
    as_of: date | None = None,
) -> tuple[Probe, ...]:
    """Probe a home page `count` times; a probe fails when the page is not open within
    `timeout` seconds (W-V2: 15 s). Probes are values, so any window's ratio can be taken.

    AS_OF dates the probes like the scan they belong to: a scan run "as of" an earlier day
    (the demo's quarter, a re-run) records its probes on that day at the present time of
    day, so they fall in that scan's availability window and not after it."""
    probes: list[Probe] = []
    async with Fetcher(round_config(fetch_config, timeout, 1)) as fetcher:
        for _ in range(count):
            probe = await probe_once(fetcher, url, timeout, as_of)
            if probe is not None:
                probes.append(probe)
    return tuple(probes)


def scan_identity(site: SiteSpec, config: ScanConfig) -> tuple[date, str]:
    """The scan date and scan id a scan of SITE with CONFIG has."""
    scan_date = config.scan_date or datetime.now(BEIJING).date()
    scan_id = config.scan_id or f"{site.code}:{scan_date.isoformat()}"
    if config.kind != "full" and not config.scan_id:
        scan_id = f"{scan_id}:{config.kind}"
    return scan_date, scan_id


def failed_result(
    site: SiteSpec, config: ScanConfig, reason: str, elapsed: float = 0.0
) -> SiteScanResult:
    """The result of a scan that could not run (an internal error, a dead worker), in
    place of an exception: nothing about the site is known, so the home page reads "not
    fetched" with the reason (the period is then undecided, never a finding against the
    site), the reason is the one failure, and there are no probes, columns or links."""
    scan_date, scan_id = scan_identity(site, config)
    home = normalize_url(site.home_url) or site.home_url
    error = f"scan failed: {reason}"[:300]
    return SiteScanResult(
        site_code=site.code,
        home_url=home,
        scan_id=scan_id,
        scan_date=scan_date,
        stats=ScanStats(elapsed=elapsed),
        home=HomeResult(home, False, error, None, ()),
        columns=(),
        probes=(),
        broken_links=(),
        link_counts=(),
        failures=(PageFailure(home, error, None),),
        trap_samples=(),
        facts=SiteFacts(),
    )


async def scan_site_async(
    site: SiteSpec,
    config: ScanConfig | None = None,
    state: StateStore | None = None,
    external_cache: dict[str, tuple[LinkOutcome, str, int | None]] | None = None,
) -> SiteScanResult:
    """Crawl one site and check it: pages, links, columns, home page, availability, facts.
    Never raises for anything the site does; failures are values in the result."""
    config = config or ScanConfig()
    scan_date, scan_id = scan_identity(site, config)
    started = time.monotonic()
    home = normalize_url(site.home_url) or site.home_url
    probes: tuple[Probe, ...] = ()
    if config.probe_count > 0:
        probes = await probe_availability(
            home,
            config.fetch,
            timeout=config.probe_timeout,
            count=config.probe_count,
            as_of=scan_date,
        )
    async with Fetcher(config.fetch) as fetcher:
        crawler = SiteCrawler(site, config, fetcher, state, scan_date, scan_id, external_cache)
        data = await crawler.run()
    counters = data.counters
    column_results = assemble.columns(data)
    column_digests = [
        data.list_digests[c.url] for c in column_results if c.url in data.list_digests
    ]
    facts = extract_site_facts(
        data.list_digests.get(data.home), home, data.hosts, site.business_systems, column_digests
    )
    stats = ScanStats(
        pages_fetched=counters.pages_fetched,
        pages_parsed=counters.pages_parsed,
        pages_not_modified=counters.pages_not_modified,
        pages_unchanged=counters.pages_unchanged,
        pages_resumed=counters.pages_resumed,
        requests=fetcher.requests,
        links_checked=counters.links_checked,
        external_checked=counters.external_checked,
        attachments_text_checked=counters.attachments_text_checked,
        trap_skipped=crawler.frontier.trap_skipped,
        elapsed=time.monotonic() - started,
    )
    return SiteScanResult(
        site_code=site.code,
        home_url=home,
        scan_id=scan_id,
        scan_date=scan_date,
        stats=stats,
        home=assemble.home_result(data, config, scan_date),
        columns=column_results,
        probes=probes,
        broken_links=assemble.broken_links(data),
        link_counts=assemble.link_counts(data),
        failures=tuple(data.failures),
        trap_samples=tuple(crawler.frontier.trap_samples),
        facts=facts,
        text_hits=tuple(data.text_hits),
    )


def scan_site(
    site: SiteSpec, config: ScanConfig | None = None, state: StateStore | None = None
) -> SiteScanResult:
    """Synchronous wrapper of scan_site_async (runs its own event loop)."""
    return asyncio.run(scan_site_async(site, config, state))
