"""The watch's services on a real database: schedules fire once, leases survive crashed
holders, probe rounds against a loopback site decide SIT001, probes roll up without
changing a verdict, and early warnings are computed from what is stored."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from django.utils import timezone

from govwatch.engine.clock import BEIJING
from govwatch.engine.profiles import run_checks
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.config.engine import check_context, profile_load
from govwatch.web.inspections.models import Inspection
from govwatch.web.interaction.models import CitizenMessage
from govwatch.web.monitoring.jobs import Job, job_probe_round, job_run, schedule_jobs
from govwatch.web.monitoring.models import EarlyWarning, Lease, Schedule
from govwatch.web.monitoring.services import (
    lease_acquire,
    lease_release,
    probe_round_pull,
    quarter_draft_time,
    schedule_claim,
    schedules_due,
    schedules_ensure,
)
from govwatch.web.monitoring.warnings import warnings_evaluate
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ColumnSnapshot, Probe, ProbeDay, ScanRun
from govwatch.web.scans.selectors import site_observations
from govwatch.web.scans.services import probes_rollup
from tests.engine.monitoring.probeserver import ProbeServer
from tests.web.newmedia.helpers import account, unit

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2024, 7, 10, 9, 0, tzinfo=BEIJING)


def _site(code: str, host: str) -> Site:
    return Site.objects.create(
        site_code=code, name=f"网站{code}", home_url=f"http://{host}/", kind="department",
        operating_unit=unit(), status="running",
    )  # fmt: skip


def _run(site: Site, day: dt.date) -> ScanRun:
    moment = dt.datetime.combine(day, dt.time(8), tzinfo=BEIJING)
    return ScanRun.objects.create(
        site=site, scan_id=f"{site.site_code}:{day}", scan_date=day, profile="cn-national-2019",
        started_at=moment, finished_at=moment, home_fetched=True, home_newest_date=day,
    )  # fmt: skip


# --- schedules ---------------------------------------------------------------------


def test_defaults_are_created_once_and_due_now() -> None:
    calendar = work_calendar_load()
    first = schedules_ensure(calendar, NOW)
    again = schedules_ensure(calendar, NOW + dt.timedelta(hours=1))
    assert [s.pk for s in first] == [s.pk for s in again]
    kinds = {s.kind: s for s in first}
    assert set(kinds) == {
        "probe", "freshness", "crawl", "feeds", "warnings", "rollup", "inspection_draft",
        "alerts", "deadlines", "dashboard",
    }  # fmt: skip
    assert kinds["alerts"].interval_minutes == 5
    assert kinds["probe"].interval_minutes == 30 and kinds["crawl"].interval_minutes == 7 * 1440
    due = {s.kind for s in schedules_due(NOW)}
    assert due == set(kinds) - {"inspection_draft"}
    # The quarter's draft waits for the first working day after the quarter.
    assert kinds["inspection_draft"].next_run_at == dt.datetime(2024, 10, 8, 7, tzinfo=BEIJING)


def test_a_slot_fires_once_however_many_schedulers_claim_it() -> None:
    calendar = work_calendar_load()
    [probe] = [s for s in schedules_ensure(calendar, NOW) if s.kind == "probe"]
    copies = [Schedule.objects.get(pk=probe.pk) for _ in range(3)]  # three schedulers read it
    assert [schedule_claim(s, calendar, NOW) for s in copies] == [True, False, False]
    fired = Schedule.objects.get(pk=probe.pk)
    assert NOW + dt.timedelta(minutes=28) <= fired.next_run_at <= NOW + dt.timedelta(minutes=32)


def test_after_downtime_a_missed_job_runs_once() -> None:
    calendar = work_calendar_load()
    [probe] = [s for s in schedules_ensure(calendar, NOW) if s.kind == "probe"]
    later = NOW + dt.timedelta(days=3)  # 144 slots missed
    assert [s.pk for s in schedules_due(later) if s.kind == "probe"] == [probe.pk]
    assert schedule_claim(Schedule.objects.get(pk=probe.pk), calendar, later)
    assert not [s for s in schedules_due(later) if s.kind == "probe"]


def test_restart_probes_within_a_minute_but_not_twice_in_a_minute() -> None:
    calendar = work_calendar_load()
    [probe] = [s for s in schedules_ensure(calendar, NOW) if s.kind == "probe"]
    assert schedule_claim(probe, calendar, NOW)  # a round ran at NOW; the next is 30 min on
    assert not probe_round_pull(NOW + dt.timedelta(seconds=20))  # restarted 20 s later
    assert probe_round_pull(NOW + dt.timedelta(minutes=5))  # restarted 5 minutes later
    assert Schedule.objects.get(pk=probe.pk).next_run_at == NOW + dt.timedelta(minutes=5)


def test_quarter_draft_skips_holidays() -> None:
    calendar = work_calendar_load()
    assert quarter_draft_time(NOW, calendar).date() == dt.date(2024, 10, 8)  # after 国庆
    spring = dt.datetime(2024, 12, 30, 12, tzinfo=BEIJING)
    assert quarter_draft_time(spring, calendar).date() == dt.date(2025, 1, 2)  # after 元旦


def test_a_crawl_schedule_becomes_one_job_per_running_site_and_per_site_rows_win() -> None:
    a, b = _site("1100000001", "a.gov.cn"), _site("1100000002", "b.gov.cn")
    _site("1100000003", "c.gov.cn").delete()
    calendar = work_calendar_load()
    [crawl] = [s for s in schedules_ensure(calendar, NOW) if s.kind == "crawl"]
    Schedule.objects.create(kind="crawl", site=b, interval_minutes=1440, next_run_at=NOW)
    jobs = schedule_jobs(crawl, NOW)
    assert jobs == [
        Job("site_scan", {"site_code": a.site_code, "day": "2024-07-10", "kind": "full"})
    ]


# --- leases ------------------------------------------------------------------------


def test_lease_is_exclusive_expires_and_is_taken_from_a_dead_holder(settings) -> None:
    assert lease_acquire("site:1", "me:1:a", 60)
    assert not lease_acquire("site:1", "other-host:2:b", 60)
    Lease.objects.filter(key="site:1").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert lease_acquire("site:1", "other-host:2:b", 60)  # expired: taken over
    lease_release("site:1", "other-host:2:b")
    # A holder on this host whose process is gone (a worker killed with SIGKILL).
    import socket

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert lease_acquire("site:2", f"{socket.gethostname()}:{dead}:x", 600)
    assert lease_acquire("site:2", "me:1:c", 600)


# --- probes decide availability ----------------------------------------------------


def _availability(site: Site, point: dt.date) -> list[str]:
    run = _run(site, point)
    [(_, observation)] = site_observations([run])
    findings = run_checks(profile_load("cn-national-2019"), observation, check_context(point))
    return [f"{f.severity}:{f.evidence.get('failed')}/{f.evidence.get('probes')}"
            for f in findings if f.code == "SIT001"]  # fmt: skip


@pytest.mark.parametrize(
    ("every", "rounds", "expected"),
    [
        (10, 150, ["veto:15/150"]),  # 10 % of probes fail: the veto
        (25, 150, ["warning:6/150"]),  # 4 %: under the line, over the 3 % warning
        (10, 100, ["info:10/100"]),  # too few probes for a week: 无法判定
    ],
)
def test_probe_rounds_against_a_loopback_site_decide_sit001(
    every: int, rounds: int, expected: list[str]
) -> None:
    host = f"flaky{every}-site.gov.cn"
    site = _site("1100000009", host)
    [probe] = [s for s in schedules_ensure(work_calendar_load()) if s.kind == "probe"]
    today = timezone.localdate()
    with ProbeServer() as server:
        fetch = server.fetch_config([host])
        for number in range(rounds):
            slot = timezone.now() - dt.timedelta(minutes=number)
            job_probe_round(probe.pk, slot.isoformat(), fetch=fetch)
        # The same round delivered again probes nobody twice.
        job_probe_round(probe.pk, slot.isoformat(), fetch=fetch)
    assert Probe.objects.filter(site=site).count() == rounds
    assert _availability(site, today) == expected


def test_rolled_up_days_judge_like_the_raw_probes() -> None:
    site = _site("1100000010", "x.gov.cn")
    point = dt.date(2024, 6, 30)
    rows = []
    for day in range(7):
        for n in range(24):
            at = dt.datetime(2024, 6, 24 + day, n, tzinfo=BEIJING)
            ok = (day * 24 + n) % 10 != 0
            rows.append(
                Probe(site=site, at=at, ok=ok, elapsed=0.2, outcome="ok" if ok else "timeout")
            )
    Probe.objects.bulk_create(rows)
    before = _availability(site, point)
    ScanRun.objects.all().delete()
    days, removed = probes_rollup(dt.date(2024, 7, 1))
    assert (days, removed) == (7, 168) and not Probe.objects.exists()
    assert ProbeDay.objects.count() == 7
    assert before == _availability(site, point) == ["veto:17/168"]
    assert probes_rollup(dt.date(2024, 7, 1)) == (0, 0)  # nothing left to roll up


# --- early warnings ----------------------------------------------------------------


def test_warnings_come_from_stored_observations_with_days_left() -> None:
    today = timezone.localdate()
    site = _site("1100000011", "w.gov.cn")
    _run(site, today)
    now = timezone.now()
    Probe.objects.bulk_create(
        Probe(site=site, at=now - dt.timedelta(minutes=30 * i), ok=i % 25 != 0, elapsed=0.1)
        for i in range(300)
    )  # 12 of 300 failed: 4 %, past the 3 % warning line
    quiet = account("示范发布", ingestion_source="feed", feed_url="http://feed.gov.cn/rss")
    FetchAttempt.objects.create(account=quiet, at=now, ok=True)
    Post.objects.create(
        account=quiet, post_id="p1", title="通知", published_at=now - dt.timedelta(days=11)
    )
    CitizenMessage.objects.create(
        message_id="M1", box="mayor", unit=unit(), received_at=now - dt.timedelta(days=61),
        status="pending",
    )  # fmt: skip
    count = warnings_evaluate(today, "cn-national-2019")
    rows = {w.kind: w for w in EarlyWarning.objects.filter(day=today)}
    assert count == len(EarlyWarning.objects.all())
    assert rows["availability"].site == site and rows["availability"].code == "SIT001"
    assert rows["account_update"].account == quiet and rows["account_update"].days_left == 4
    assert rows["message_reply"].days_left == 29
    assert warnings_evaluate(today, "cn-national-2019") == count  # the same day again: same rows
    assert EarlyWarning.objects.count() == count


def test_job_run_dispatches_by_name() -> None:
    assert job_run(Job("warnings", {"day": "2024-07-10"})).startswith("预警")


def test_the_quarter_draft_is_made_once_for_the_quarter_before() -> None:
    _run(_site("1100000012", "d.gov.cn"), dt.date(2024, 9, 20))
    first = job_run(Job("inspection_draft", {"day": "2024-10-08"}))
    assert first.startswith("2024Q3 检查初稿：")
    assert job_run(Job("inspection_draft", {"day": "2024-10-08"})) == "2024Q3 初稿已存在"
    [inspection] = Inspection.objects.all()
    assert inspection.period == "2024Q3" and inspection.results.count() == 1


def test_columns_near_their_line_warn_as_column_updates() -> None:
    """Three stale news columns: UPD002 warns (the veto comes at five), as a column warning."""
    today = timezone.localdate()
    site = _site("1100000013", "cols.gov.cn")
    run = _run(site, today)
    for number in range(3):
        ColumnSnapshot.objects.create(
            run=run, name=f"工作动态{number}", url=f"http://cols.gov.cn/c{number}/", kind="news",
            registered=True, item_count=10, newest_date=today - dt.timedelta(days=20),
        )  # fmt: skip
    warnings_evaluate(today, "cn-national-2019")
    columns = EarlyWarning.objects.filter(day=today, kind="column_update", site=site)
    assert [w.code for w in columns] == ["UPD002"]


def test_old_scans_are_pruned_but_each_quarters_last_full_crawl_and_cited_scans_stay() -> None:
    from govwatch.web.inspections.models import InspectionResult
    from govwatch.web.scans.services import scans_prune

    site = _site("1100000014", "p.gov.cn")
    days = [dt.date(2024, 4, 5), dt.date(2024, 5, 5), dt.date(2024, 6, 20), dt.date(2024, 7, 2)]
    runs = {day: _run(site, day) for day in days}
    fresh = ScanRun.objects.create(
        site=site, scan_id="f", scan_date=dt.date(2024, 6, 28), kind="freshness",
        profile="cn-national-2019", started_at=NOW, finished_at=NOW,
    )  # fmt: skip
    ColumnSnapshot.objects.create(run=runs[days[1]], name="动态", url="http://p.gov.cn/d/")
    inspection = Inspection.objects.create(
        period="2024Q2", period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )  # fmt: skip
    InspectionResult.objects.create(inspection=inspection, site=site, scan=runs[days[0]])
    assert scans_prune(dt.date(2024, 7, 1)) == 2  # May's crawl and the freshness pass
    left = set(ScanRun.objects.values_list("scan_date", flat=True))
    assert left == {days[0], days[2], days[3]}  # cited; Q2's last; newer than the cut
    assert not ColumnSnapshot.objects.exists() and not ScanRun.objects.filter(pk=fresh.pk).exists()
    assert scans_prune(dt.date(2024, 7, 1)) == 0
