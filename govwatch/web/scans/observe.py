"""Bridges between the registry/scan rows and the engine's value objects.

The observation the indicators read is rebuilt from the stored rows, not from the
in-memory scan result, so that `scan` and a later `inspect` judge exactly the same data.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from govwatch.engine.checks import inputs as I
from govwatch.engine.clock import beijing, day_end
from govwatch.engine.crawl import ColumnSpec, SiteSpec
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun

# Columns discovered in the navigation have no registered kind; their names say it.
_KIND_BY_NAME: tuple[tuple[str, I.ColumnKind], ...] = (
    ("互动|留言|信箱|咨询|投诉|建议|访谈|征集", "interaction"),
    ("办事|服务|办件|下载", "service"),
    ("人事|任免|规划|计划|招聘|招考", "personnel_planning"),
    ("通知|公告|公示|政策|文件|法规|解读|规章", "notice_policy"),
    ("要闻|动态|新闻|工作|信息|资讯|快讯", "news"),
)
_COLUMN_KINDS = {"news", "notice_policy", "personnel_planning", "interaction", "service", "other"}
AVAILABILITY_WINDOW = timedelta(days=7)


def column_kind(registered_kind: str, name: str) -> I.ColumnKind:
    if registered_kind in _COLUMN_KINDS:
        return registered_kind  # type: ignore[return-value]
    for pattern, kind in _KIND_BY_NAME:
        if re.search(pattern, name):
            return kind
    return "other"


def site_hosts(site: Site) -> tuple[str, ...]:
    hosts = [urlsplit(site.home_url).hostname or ""]
    hosts += [h.strip().lower() for h in site.extra_hosts if h.strip()]
    return tuple(dict.fromkeys(h for h in hosts if h))


def site_spec(site: Site) -> SiteSpec:
    columns = tuple(
        ColumnSpec(name=c.name, url=c.url, kind=c.kind) for c in site.columns.all() if c.url
    )
    return SiteSpec(
        code=site.site_code,
        name=site.name,
        home_url=site.home_url,
        hosts=site_hosts(site),
        columns=columns,
        business_systems=tuple(site.business_systems),
    )


def _facts(run: ScanRun) -> I.SiteFacts:
    if not run.home_fetched:
        return I.SiteFacts()  # nothing could be determined: unknown, not missing
    facts = run.facts
    return I.SiteFacts(
        site_code_present=bool(facts.get("site_id_code")),
        icp_number=facts.get("icp_record") or "",
        police_filing_number=facts.get("police_record") or "",
        party_gov_mark=bool(facts.get("party_gov_mark")),
        consultation_channel=bool(facts.get("interaction_channel")),
    )


def _local(moment: datetime) -> datetime:
    return beijing(moment)


def interaction_observations(
    site: Site, start: date, end: date
) -> tuple[tuple[I.MessageObservation, ...] | None, tuple[I.ConsultationObservation, ...] | None]:
    """The site's citizen messages (its operating unit's consultation boxes, the last year)
    and its test consultations sent in [start, end]; None where nothing was imported."""
    from govwatch.engine.interaction.consultations import (
        BUCKET_LABELS_ZH,
        classify_test,
        tiered_profile,
    )
    from govwatch.engine.interaction.indicators import CONSULTATION_BOXES
    from govwatch.web.interaction.models import CitizenMessage, ConsultationTest
    from govwatch.web.interaction.services import work_calendar_load

    boxes = [box.value for box in CONSULTATION_BOXES]
    rows = CitizenMessage.objects.filter(unit_id=site.operating_unit_id, box__in=boxes)
    rows = rows.exclude(status="invalid")
    messages = tuple(
        I.MessageObservation(
            message_id=m.message_id,
            received_at=_local(m.received_at),
            answered_at=_local(m.answered_at) if m.answered_at else None,
            box=m.get_box_display(),
        )
        for m in rows
    )
    tests = ConsultationTest.objects.filter(site=site, sent_at__date__range=(start, end))
    consultations: tuple[I.ConsultationObservation, ...] | None = None
    if tests.exists():
        profile, calendar = tiered_profile(1, 5), work_calendar_load()
        classified = [classify_test(t.to_engine(), profile, calendar) for t in tests]
        consultations = tuple(
            I.ConsultationObservation(
                test_id=c.test.test_id,
                bucket=c.bucket,
                on_time=c.bucket in profile.on_time_buckets,
                label_zh=BUCKET_LABELS_ZH.get(c.bucket, c.bucket),
            )
            for c in classified
        )
    return (messages or None), consultations


def site_observation(run: ScanRun, period_start: date | None = None) -> I.SiteObservation:
    site = run.site
    point = day_end(run.scan_date)
    # Probes accumulate for ever: read only the window.
    window = (point - AVAILABILITY_WINDOW, point)
    probes = tuple(
        I.Probe(at=_local(p.at), ok=p.ok, elapsed_s=p.elapsed)
        for p in site.probes.filter(at__range=window).order_by("at")
    )
    columns = tuple(
        I.ColumnObservation(
            name=c.name,
            kind=column_kind(c.kind, c.name),
            newest_date=c.newest_date,
            item_count=c.item_count,
            fetch_ok=not c.error,
            url=c.url,
        )
        for c in run.columns.all()
    )
    links = tuple(
        I.LinkObservation(
            url=link.url,
            outcome=link.outcome,  # type: ignore[arg-type]
            on_home_page=link.on_home,
            page_url=link.page_url,
            anchor=link.anchor_text,
        )
        for link in run.link_problems.all()
    )
    business = list(site.business_systems) + list(run.facts.get("business_systems", []))
    start = period_start or run.scan_date - timedelta(days=90)
    messages, consultations = interaction_observations(site, start, run.scan_date)
    return I.SiteObservation(
        site_id=site.site_code,
        home_url=site.home_url,
        hosts=site_hosts(site),
        business_system_urls=tuple(dict.fromkeys(business)),
        probes=probes,
        home_fetch_ok=run.home_fetched,
        home_newest_date=run.home_newest_date,
        columns=columns,
        links=links,
        facts=_facts(run),
        text_hits=tuple(
            I.TextHit(
                code=h["code"],
                severity=h["severity"],
                text=h["text"],
                suggestion=h["suggestion"],
                url=h["url"],
            )
            for h in run.text_hits
        ),
        messages=messages,
        consultations=consultations,
    )
