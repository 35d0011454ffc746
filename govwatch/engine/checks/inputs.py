"""Input value objects of the indicator checks.

The crawler, the new-media adapters and the web layer each have their own result
types; they map them onto these small frozen dataclasses, and the checks read
nothing else. Every field is plain data. ``None`` always means "not observed"
(unknown), never "absent": a check that meets ``None`` reports an unknown (an
``info`` finding with ``evidence["state"] == "unknown"``) or nothing, and never
scores it as a problem. In particular a column whose fetch failed is never stale.

Times are compared with each other and with ``CheckContext.monitoring_point``, so one
convention must hold for a whole observation: naive Beijing local time (what the
bulletins count natural days in), or timezone-aware values throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypeAlias

from govwatch.engine.fetch.outcomes import LinkOutcome, Probe, ProbeDay
from govwatch.engine.site.facts import SiteFacts
from govwatch.engine.text.findings import TextHit

ColumnKind: TypeAlias = Literal[
    "news", "notice_policy", "personnel_planning", "interaction", "service", "other"
]
"""news = 动态/要闻类; notice_policy = 通知公告、政策文件类; personnel_planning = 人事、
规划计划类 (and the other 基本信息 classes with a one-year window); interaction = 互动交流;
service = 办事服务."""

Platform: TypeAlias = Literal["wechat", "weibo", "douyin", "toutiao", "app", "other"]

WorkingDayCounter: TypeAlias = Callable[[date, date], int]
"""``count(start, end)`` = official working days in the half-open range (start, end]:
``start`` itself is not counted, ``end`` is. Built from the official holiday calendar
(``govwatch.engine.workdays`` in production, ``chinesecalendar`` in tests)."""


@dataclass(frozen=True)
class ColumnObservation:
    """One registered or discovered column (栏目) and its newest dated item.

    ``newest_date`` is None when the list had items but none carried a date (the
    indicators count such a column as not updated) or when ``fetch_ok`` is False (then
    it is unknown). ``item_count == 0`` with ``fetch_ok`` means a blank column.
    """

    name: str
    kind: ColumnKind
    newest_date: date | None
    item_count: int
    fetch_ok: bool
    url: str = ""
    top_level: bool = True


@dataclass(frozen=True)
class LinkObservation:
    """The outcome of following one link found on a page of the site."""

    url: str
    outcome: LinkOutcome
    on_home_page: bool
    page_url: str
    anchor: str = ""


@dataclass(frozen=True)
class DisclosureDocument:
    """A proactively disclosed document: when it was formed and when it was published."""

    url: str
    title: str
    formed_on: date
    published_on: date | None


@dataclass(frozen=True)
class MessageObservation:
    """One valid citizen message to a consultation channel of the site (领导信箱、咨询…)."""

    message_id: str
    received_at: datetime
    answered_at: datetime | None
    box: str = ""


@dataclass(frozen=True)
class ConsultationObservation:
    """One test consultation (咨询信件测试), already bucketed on the official calendar.

    ``bucket`` is the interaction engine's bucket code (same_day_reply, within_1_working_day,
    late_reply, no_reply, channel_unavailable …); ``on_time`` says whether it met the window.
    """

    test_id: str
    bucket: str
    on_time: bool
    label_zh: str = ""


@dataclass(frozen=True)
class SiteObservation:
    """Everything the scan observed about one website in one monitoring period."""

    site_id: str
    home_url: str
    hosts: tuple[str, ...] = ()
    business_system_urls: tuple[str, ...] = ()
    probes: tuple[Probe, ...] = ()
    probe_days: tuple[ProbeDay, ...] = ()  # rolled-up days of the window (raw ones gone)
    home_fetch_ok: bool = True
    home_newest_date: date | None = None
    columns: tuple[ColumnObservation, ...] = ()
    links: tuple[LinkObservation, ...] = ()
    # None: the home page was not fetched, so no mark or channel could be determined.
    facts: SiteFacts | None = None
    text_hits: tuple[TextHit, ...] = ()
    documents: tuple[DisclosureDocument, ...] = ()
    # None: no message records / no tests for this site (nothing to judge, not "none").
    messages: tuple[MessageObservation, ...] | None = None
    consultations: tuple[ConsultationObservation, ...] | None = None


@dataclass(frozen=True)
class AccountObservation:
    """One government new-media account (政务新媒体账号).

    ``posts`` holds publication times; None means the source failed (unknown), an
    empty tuple means the source answered and there were no posts.
    """

    account_id: str
    platform: Platform
    name: str
    posts: tuple[datetime, ...] | None
    registered_national: bool | None = None
    has_interaction: bool | None = None
    text_hits: tuple[TextHit, ...] = ()
    # Names (and aliases) of the units the registry says open and supervise the account.
    registered_owners: tuple[str, ...] = ()
    # What the platform shows now (feed title, export, push, or entered by hand);
    # None = not observed.
    seen_name: str | None = None
    seen_owner: str | None = None  # 认证主体


@dataclass(frozen=True)
class CheckContext:
    """When the checks are evaluated, and the calendar helpers they may need.

    ``monitoring_point`` is the 监测时间点; windows count back from its date.
    ``period_start`` opens the monitoring period for checks that look at a whole period
    (Golmud's posting rhythm); None means "from the first post".
    """

    monitoring_point: datetime
    period_start: date | None = None
    count_working_days: WorkingDayCounter | None = None

    @property
    def point_date(self) -> date:
        return self.monitoring_point.date()
