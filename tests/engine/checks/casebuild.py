"""Build check inputs from the YAML case files in ``cases/<CODE>/``.

A case file is a list of cases. Each case has a ``name``, a monitoring ``point``, an
optional ``period_start``, optional ``params`` overrides and ``level``, one ``site``
or ``account`` mapping, and ``expect``: the findings, in order, each matched on the
keys it gives (severity, target_id, message_contains, evidence subset).

Shorthands keep the files readable: ``age_days`` for a column's newest item,
``home_age_days``, ``post_ages_days`` for account posts, and a generated probe series
``probes: {count, failed, slow}`` spread back from the monitoring point, and
``probe_days: [[day, count, failed], …]`` for rolled-up days.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar

from govwatch.engine.checks.inputs import (
    AccountObservation,
    CheckContext,
    ColumnObservation,
    ConsultationObservation,
    DisclosureDocument,
    LinkObservation,
    MessageObservation,
    SiteObservation,
)
from govwatch.engine.fetch.outcomes import LinkOutcome, Probe, ProbeDay
from govwatch.engine.site.facts import SiteFacts
from govwatch.engine.text.findings import TextHit


def official_working_days(start: date, end: date) -> int:
    """Working days in (start, end] on the official calendar (chinesecalendar)."""
    if end <= start:
        return 0
    return len(chinese_calendar.get_workdays(start + timedelta(days=1), end))


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _d(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def context(case: dict[str, Any]) -> CheckContext:
    return CheckContext(
        monitoring_point=_dt(case["point"]),
        period_start=_d(case["period_start"]) if case.get("period_start") else None,
        count_working_days=None if case.get("no_calendar") else official_working_days,
    )


def _probes(spec: Any, point: datetime) -> tuple[Probe, ...]:
    if isinstance(spec, list):
        return tuple(Probe("", _dt(at), bool(ok), elapsed=float(s)) for at, ok, s in spec)
    count, failed, slow = spec["count"], spec.get("failed", 0), spec.get("slow", 0)
    step = timedelta(seconds=spec.get("interval_s", 60))
    probes = []
    for i in range(count):
        ok = i >= failed
        elapsed = 15.0 if failed <= i < failed + slow else spec.get("elapsed_s", 0.5)
        probes.append(Probe("", point - step * i, ok, elapsed=elapsed))
    return tuple(probes)


def _link(spec: dict[str, Any]) -> LinkObservation:
    return LinkObservation(**{**spec, "outcome": LinkOutcome(spec["outcome"])})


def _column(spec: dict[str, Any], point: date) -> ColumnObservation:
    newest = spec.get("newest")
    if "age_days" in spec:
        newest = point - timedelta(days=spec["age_days"])
    return ColumnObservation(
        name=spec["name"],
        kind=spec.get("kind", "news"),
        newest_date=_d(newest) if newest is not None else None,
        item_count=spec.get("items", 10),
        fetch_ok=spec.get("fetch_ok", True),
        url=spec.get("url", ""),
        top_level=spec.get("top_level", True),
    )


def site(spec: dict[str, Any], ctx: CheckContext) -> SiteObservation:
    point = ctx.point_date
    home = spec.get("home_newest")
    if "home_age_days" in spec:
        home = point - timedelta(days=spec["home_age_days"])
    docs = [
        DisclosureDocument(
            d["url"],
            d["title"],
            _d(d["formed_on"]),
            _d(d["published_on"]) if d.get("published_on") else None,
        )
        for d in spec.get("documents", [])
    ]
    return SiteObservation(
        site_id=spec.get("site_id", "S1"),
        home_url=spec.get("home_url", "https://www.example.gov.cn/"),
        hosts=tuple(spec.get("hosts", [])),
        business_system_urls=tuple(spec.get("business_system_urls", [])),
        probes=_probes(spec.get("probes", []), ctx.monitoring_point),
        probe_days=tuple(ProbeDay(_d(d), int(n), int(f)) for d, n, f in spec.get("probe_days", [])),
        home_fetch_ok=spec.get("home_fetch_ok", True),
        home_newest_date=_d(home) if home is not None else None,
        columns=tuple(_column(c, point) for c in spec.get("columns", [])),
        links=tuple(_link(link) for link in spec.get("links", [])),
        facts=SiteFacts(**spec["facts"]) if spec.get("facts") is not None else None,
        text_hits=tuple(TextHit(**hit) for hit in spec.get("text_hits", [])),
        documents=tuple(docs),
        messages=_messages(spec.get("messages")),
        consultations=(
            tuple(ConsultationObservation(**c) for c in spec["consultations"])
            if spec.get("consultations") is not None
            else None
        ),
    )


def _messages(specs: list[dict[str, Any]] | None) -> tuple[MessageObservation, ...] | None:
    if specs is None:
        return None
    return tuple(
        MessageObservation(
            message_id=str(m["id"]),
            received_at=_dt(m["received"]),
            answered_at=_dt(m["answered"]) if m.get("answered") else None,
            box=m.get("box", ""),
        )
        for m in specs
    )


def account(spec: dict[str, Any], ctx: CheckContext) -> AccountObservation:
    posts: tuple[datetime, ...] | None
    if "post_ages_days" in spec:
        posts = tuple(ctx.monitoring_point - timedelta(days=n) for n in spec["post_ages_days"])
    elif spec.get("posts") is None:
        posts = None
    else:
        posts = tuple(_dt(p) for p in spec["posts"])
    return AccountObservation(
        account_id=spec.get("account_id", "A1"),
        platform=spec.get("platform", "wechat"),
        name=spec.get("name", "测试账号"),
        posts=posts,
        registered_national=spec.get("registered_national", True),
        has_interaction=spec.get("has_interaction", True),
        text_hits=tuple(TextHit(**hit) for hit in spec.get("text_hits", [])),
        registered_owners=tuple(spec.get("registered_owners", ())),
        seen_name=spec.get("seen_name"),
        seen_owner=spec.get("seen_owner"),
    )


def params(default: Any, overrides: dict[str, Any] | None) -> Any:
    if not overrides:
        return default
    kinds = {f.name: f.type for f in fields(default)}
    converted = {
        k: tuple(v) if isinstance(v, list) and "tuple" in str(kinds[k]) else v
        for k, v in overrides.items()
    }
    return replace(default, **converted)
