"""The watch's jobs: one set of functions, run by the embedded `govwatch run` (in its
threads, the engine work in its job pool's processes) and by Celery workers (in-process,
`tasks.py`). Every job is idempotent, so a job delivered twice, or run again after its
worker was killed, leaves the same rows: probes are unique per round and site, a scan per
(site, scan id), warnings per day, the quarter's draft per period.

A schedule fires as a list of jobs (`schedule_jobs`): a crawl schedule becomes one job per
site, so sites spread over the workers and one hanging site holds one worker only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.monitoring.pool import inline
from govwatch.engine.monitoring.probes import probe_round_sync
from govwatch.engine.periods import quarter_label
from govwatch.web.alerts.services import alerts_deliver, alerts_digest
from govwatch.web.config.engine import fetch_config
from govwatch.web.dashboard.services import dashboard_refresh
from govwatch.web.inspections.models import Inspection
from govwatch.web.inspections.services import inspection_run
from govwatch.web.monitoring.models import Schedule
from govwatch.web.monitoring.services import (
    lease_acquire,
    lease_holder,
    lease_release,
    lease_renew,
)
from govwatch.web.monitoring.warnings import warnings_evaluate
from govwatch.web.newmedia.services import posts_fetch
from govwatch.web.registry.models import Account, Site
from govwatch.web.scans.models import Probe
from govwatch.web.scans.services import probes_rollup, probes_store, scans_prune, sites_scan
from govwatch.web.tickets.services import problem_items_deadlines, problem_items_recheck_stale

log = logging.getLogger(__name__)
Execute = Callable[..., Any]
DRAFT_BY = "govwatch 计划任务（季度检查初稿）"
PROBE_TIMEOUT = 15.0
FEED_BATCH = 500  # W-V2: a home page not open within 15 s is unreachable


class Busy(RuntimeError):
    """The site is being crawled by another worker: run this job again later."""


@dataclass(frozen=True)
class Job:
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        target = self.kwargs.get("site_code") or self.kwargs.get("day") or ""
        return f"{self.name} {target}".strip()


def _own_schedule(kind: str, field_name: str) -> set[int]:
    """Targets with their own schedule of KIND: the default one leaves them alone."""
    rows = Schedule.objects.filter(kind=kind, **{f"{field_name}__isnull": False})
    return set(rows.values_list(f"{field_name}_id", flat=True))


def schedule_jobs(schedule: Schedule, now: dt.datetime) -> list[Job]:
    """What one firing of SCHEDULE at NOW has to do."""
    day = now.astimezone(BEIJING).date().isoformat()
    if schedule.kind == "probe":
        return [Job("probe_round", {"schedule_id": schedule.pk, "slot": now.isoformat()})]
    if schedule.kind in ("freshness", "crawl"):
        if schedule.site_id is not None:
            codes = [schedule.site.site_code] if schedule.site.status == "running" else []
        else:
            sites = Site.objects.filter(status="running").exclude(
                pk__in=_own_schedule(schedule.kind, "site")
            )
            codes = list(sites.order_by("site_code").values_list("site_code", flat=True))
        kind = "full" if schedule.kind == "crawl" else "freshness"
        return [Job("site_scan", {"site_code": c, "day": day, "kind": kind}) for c in codes]
    if schedule.kind == "feeds":
        return [Job("feeds", {"schedule_id": schedule.pk})]
    return [Job(schedule.kind, {"day": day, "schedule_id": schedule.pk})]


# --- the jobs ------------------------------------------------------------------------


def job_probe_round(
    schedule_id: int,
    slot: str,
    execute: Execute = inline,
    fetch: FetchConfig | None = None,
    as_of: str | None = None,
) -> str:
    """One probe round over the home pages the schedule covers; a site already probed in
    this round (a redelivered job) is not probed again. AS_OF dates the probes on that
    day, like a scan's own probes (the demo's quarter)."""
    schedule = Schedule.objects.select_related("site").get(pk=schedule_id)
    sites = Site.objects.filter(status="running").exclude(home_url="")
    if schedule.site_id is not None:
        sites = sites.filter(pk=schedule.site_id)
    else:
        sites = sites.exclude(pk__in=_own_schedule("probe", "site"))
    moment = dt.datetime.fromisoformat(slot)
    done = set(Probe.objects.filter(slot=moment).values_list("site_id", flat=True))
    every = list(sites.values_list("pk", "home_url"))
    if not every:
        return "没有需要探测的网站（运行中且登记了首页的网站为空）"
    targets = [(pk, url) for pk, url in every if pk not in done]
    if not targets:
        return "本轮已全部探测（重复投递的任务）"
    close_old_connections()
    probes, stats = execute(
        probe_round_sync,
        targets,
        fetch or fetch_config(),
        PROBE_TIMEOUT,
        settings.GOVWATCH_PROBE_CONCURRENCY,
        dt.date.fromisoformat(as_of) if as_of else None,
    )
    probes_store(probes, moment)
    message = f"探测 {stats.probes} 个首页，失败 {stats.failed} 个，用时 {stats.elapsed:.1f} 秒"
    if stats.not_probed:
        # Raise the open-file limit (ulimit -n) or lower GOVWATCH_PROBE_CONCURRENCY.
        message += f"；{stats.not_probed} 个因本机资源不足（如打开文件数上限）未能探测"
    return message


@contextlib.contextmanager
def _site_lease(site_code: str) -> Iterator[None]:
    """Hold the site's lease for the crawl, renewed in the background so that only a
    holder that died lets it run out."""
    key, holder = f"site:{site_code}", lease_holder()
    if not lease_acquire(key, holder):
        raise Busy(f"网站 {site_code} 正由另一工作进程扫描")
    stop = threading.Event()

    def renew() -> None:
        # A renewal that fails (the database away for a moment) is tried again next time;
        # one that finds the lease gone (it ran out, someone took it) is logged: the crawl
        # goes on, and storing its scan id twice is harmless.
        try:
            while not stop.wait(max(1.0, settings.GOVWATCH_LEASE_SECONDS / 3)):
                try:
                    if not lease_renew(key, holder):
                        log.warning("网站 %s 的任务锁已失效（被接管或过期）", site_code)
                except Exception:
                    log.exception("renewing the lease of %s", site_code)
                    close_old_connections()
        finally:
            connection.close()

    keeper = threading.Thread(target=renew, name=f"lease {site_code}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()
        lease_release(key, holder)


def job_site_scan(
    site_code: str,
    day: str,
    kind: str = "full",
    execute: Execute | None = None,
    fetch: FetchConfig | None = None,
) -> str:
    """Crawl one site (KIND full or freshness) through the one scan path, holding its
    lease. Killed and run again, it resumes from the site's crawl-state file and stores
    the same scan id, so nothing is duplicated."""
    site = Site.objects.get(site_code=site_code)
    with _site_lease(site_code):
        [run] = sites_scan(
            [site],
            scan_date=dt.date.fromisoformat(day),
            kind=kind,
            processes=1,
            execute=execute,
            fetch=fetch,
        )
    stats = run.stats
    return (
        f"{site.name}：{stats.get('pages_fetched', 0)} 页，续扫 {stats.get('pages_resumed', 0)} 页"
    )


def job_feeds(schedule_id: int, execute: Execute = inline, fetch: FetchConfig | None = None) -> str:
    """Fetch the feeds the schedule covers, FEED_BATCH accounts at a time: posts_fetch holds
    a batch's parsed posts until it stores them (~30 KB an account, measured by
    bench/feeds_bench.py), so 100,000 accounts in one call would hold gigabytes."""
    schedule = Schedule.objects.get(pk=schedule_id)
    accounts = Account.objects.filter(status="running", ingestion_source="feed")
    if schedule.account_id is not None:
        accounts = accounts.filter(pk=schedule.account_id)
    else:
        accounts = accounts.exclude(pk__in=_own_schedule("feeds", "account"))
    ids = list(accounts.order_by("pk").values_list("pk", flat=True))
    total = ok = failed = new = 0
    for first in range(0, len(ids), FEED_BATCH):
        report = posts_fetch(
            Account.objects.filter(pk__in=ids[first : first + FEED_BATCH]), fetch=fetch
        )
        total, ok, failed, new = (
            total + report.accounts,
            ok + report.ok,
            failed + report.failed,
            new + report.new,
        )
    return f"{total} 个账号，成功 {ok}，失败 {failed}，新增 {new} 条"


def job_warnings(day: str, **_: object) -> str:
    return f"预警 {warnings_evaluate(dt.date.fromisoformat(day))} 条"


def job_rollup(day: str, **_: object) -> str:
    """The daily housekeeping: old probes rolled up per site and day, old scans pruned."""
    today = dt.date.fromisoformat(day)
    keep = dt.timedelta(days=settings.GOVWATCH_PROBE_RAW_DAYS)
    days, removed = probes_rollup(today - keep, PROBE_TIMEOUT)
    pruned = scans_prune(today - dt.timedelta(days=settings.GOVWATCH_SCAN_KEEP_DAYS))
    return f"汇总 {days} 个网站日，移除原始探测 {removed} 条；清理旧扫描 {pruned} 次"


def job_inspection_draft(day: str, **_: object) -> str:
    """The inspection of the quarter before DAY, once per quarter (a draft: supervisors
    confirm or dismiss its findings before the bulletin)."""
    today = dt.date.fromisoformat(day)
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    label = quarter_label(quarter_start - dt.timedelta(days=1))
    if Inspection.objects.filter(period=label, created_by=DRAFT_BY).exists():
        return f"{label} 初稿已存在"
    inspection = inspection_run(label, created_by=DRAFT_BY)
    return f"{label} 检查初稿：{inspection.results.count()} 个对象"


def job_alerts(**_: object) -> str:
    """Alerts due now: new ones the sender thread did not manage, failed ones whose wait
    is over (quiet hours move them to the end of the quiet hours)."""
    done = alerts_deliver()
    return (
        f"提醒发送 {done['sent']} 条，失败待重试 {done['failed']} 条，"
        f"放弃 {done['gave_up']} 条，免打扰顺延 {done['deferred']} 条"
    )


def job_deadlines(day: str, **_: object) -> str:
    """The problem lists' daily pass (overdue, reminders, escalations; their alerts are
    recorded as the pass commits), then the day's alert digest, sent at once."""
    today = dt.date.fromisoformat(day)
    counts = problem_items_deadlines(today)
    # Re-checks a stopped web process left in 复查中 (its thread died with it).
    rechecked = problem_items_recheck_stale()
    digests = alerts_digest(today)
    done = alerts_deliver()
    return (
        f"逾期 {counts['overdue']} 项，到期提醒 {counts['remind']} 项，"
        f"升级 {counts['escalate']} 项；补跑复查 {rechecked} 项；"
        f"每日汇总 {digests} 条，发送 {done['sent']} 条"
    )


def job_dashboard(**_: object) -> str:
    """The overview's per-unit figures (web/dashboard), off every request."""
    stats = dashboard_refresh()
    return (
        f"总览统计：{stats.units} 个单位，{stats.inspections} 次检查，用时 {stats.seconds:.1f} 秒"
    )


JOBS: dict[str, Callable[..., str]] = {
    "probe_round": job_probe_round,
    "site_scan": job_site_scan,
    "feeds": job_feeds,
    "warnings": job_warnings,
    "rollup": job_rollup,
    "inspection_draft": job_inspection_draft,
    "alerts": job_alerts,
    "deadlines": job_deadlines,
    "dashboard": job_dashboard,
}


def job_run(job: Job, execute: Execute | None = None, fetch: FetchConfig | None = None) -> str:
    """Run JOB here; EXECUTE carries engine work to a worker process (embedded run)."""
    extra: dict[str, Any] = {}
    if job.name in ("probe_round", "site_scan", "feeds"):
        extra = {"fetch": fetch}
        if execute is not None:
            extra["execute"] = execute
    return JOBS[job.name](**job.kwargs, **extra)
