"""Benchmark: `govwatch inspect` on a national-scale registry (20,000 sites, 100,000 accounts).

Run:  .venv/bin/python bench/inspect_bench.py [--sites 20000] [--accounts 100000]
      [--columns 8] [--cprofile DIR]
      (DATABASE_URL=postgres://... to measure PostgreSQL instead of the default SQLite)

Builds the registry of bench/registry_import.py into a temporary database, then runs
`govwatch inspect --period 2024Q3` end to end in a subprocess twice and prints its wall
time and the child's own peak RSS: first with no observations at all, then with one
stored scan per site (a ScanRun with COLUMNS column snapshots of a full list page each).
Goal: ≤ 30 s and ≤ 500 MB for each case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SCAN_DAY = dt.date(2024, 9, 20)
COLUMN_NAMES = ("要闻动态", "通知公告", "政策文件", "政策解读", "人事信息", "规划计划", "办事服务", "互动交流")  # fmt: skip


def scans_store(columns: int) -> int:
    """One finished scan per site, stored with bulk ORM writes (a crawl is not the point)."""
    from django.db import transaction
    from django.utils import timezone

    from govwatch.engine.site.facts import SiteFacts
    from govwatch.web.registry.models import Site
    from govwatch.web.scans.models import ColumnSnapshot, ScanRun

    moment = timezone.make_aware(dt.datetime.combine(SCAN_DAY, dt.time(3)))
    stats = {"pages_fetched": 1800, "pages_parsed": 1750, "requests": 2400, "seconds": 310.5}
    sites = list(Site.objects.values_list("pk", "home_url"))
    for first in range(0, len(sites), 1000):
        chunk = sites[first : first + 1000]
        with transaction.atomic():
            runs = ScanRun.objects.bulk_create(
                ScanRun(site_id=pk, scan_id=f"bench:{pk}", scan_date=SCAN_DAY,
                        profile="cn-national-2019", started_at=moment, finished_at=moment,
                        home_fetched=True, home_newest_date=SCAN_DAY - dt.timedelta(days=2),
                        stats=stats, facts=asdict(SiteFacts(
                            site_id_code=str(4100000000 + pk), icp_record="京ICP备05070218号",
                            police_record="京公网安备11010202000001号", party_gov_mark=True,
                            gov_domain=True, interaction_channel=f"{home}hdjl/")))
                for pk, home in chunk
            )  # fmt: skip
            snapshots = []
            for run, (_, home) in zip(runs, chunk, strict=True):
                for c in range(columns):
                    url = f"{home}col{c}/"
                    items = [
                        [f"关于做好2024年第{n}项重点工作的通知", f"{url}2024{n:04d}.html",
                         (SCAN_DAY - dt.timedelta(days=3 * n + c)).isoformat()]
                        for n in range(15)
                    ]  # fmt: skip
                    snapshots.append(
                        ColumnSnapshot(run=run, name=COLUMN_NAMES[c % len(COLUMN_NAMES)],
                                       url=url, kind="", item_count=15, list_pages=3,
                                       newest_date=SCAN_DAY - dt.timedelta(days=c), items=items)
                    )  # fmt: skip
            ColumnSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    return len(sites)


# Linux folds what a child held before exec (a copy of this big parent) into its
# ru_maxrss, so the command runs under a small launcher that measures it instead.
LAUNCH = """import os, sys
pid = os.fork() or os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(f"maxrss_kb={usage.ru_maxrss}", file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def inspect(env: dict[str, str], out: Path, cprofile: Path | None) -> tuple[float, float, str]:
    """Wall seconds, the command's own peak RSS (MB) and its last output line."""
    command = [sys.executable, "-m", "govwatch", "inspect", "--period", "2024Q3"]
    if cprofile is not None:
        command[1:1] = ["-m", "cProfile", "-o", str(cprofile)]
    start = time.perf_counter()
    errors = out.with_suffix(".err")
    with out.open("w") as stdout, errors.open("w") as stderr:
        code = subprocess.call(
            [sys.executable, "-I", "-S", "-c", LAUNCH, *command],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    seconds = time.perf_counter() - start
    err = errors.read_text(encoding="utf-8")
    if code != 0:
        raise SystemExit(f"inspect exited {code}: {err}")
    peak_kb = int(err.rsplit("maxrss_kb=", 1)[1])
    lines = out.read_text(encoding="utf-8").splitlines()
    return seconds, peak_kb / 1024, lines[-1] if lines else ""


def per_target_ratio(sample: int) -> str:
    """Baseline in the same run: the same inspection of a seeded sample, once one target
    per batch (a query set and a write per target, the shape of the code this replaced)
    and once in the shipped batches; the ratio of targets per second."""
    from govwatch.web.inspections import services
    from govwatch.web.inspections.models import InspectionResult

    rates = []
    for batch in (1, services.BATCH):
        services.BATCH, shipped = batch, services.BATCH
        start = time.perf_counter()
        inspection = services.inspection_run(
            "2024Q3", scope="sample", sample_size=sample, sample_seed="bench"
        )
        seconds = time.perf_counter() - start
        services.BATCH = shipped
        rates.append(InspectionResult.objects.filter(inspection=inspection).count() / seconds)
    return (
        f"baseline (sample of {sample} sites + {sample} accounts): one target per batch "
        f"{rates[0]:,.0f} targets/s, batched {rates[1]:,.0f} targets/s → {rates[1] / rates[0]:.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=8, help="column snapshots per scan")
    parser.add_argument("--cprofile", type=Path, help="write the child's cProfile stats here")
    parser.add_argument("--sample", type=int, default=1000, help="targets of the baseline")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="govwatch-inspect-bench-"))
    os.environ["GOVWATCH_DATA_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.registry_import import build_workbook
    from govwatch.web.registry.services import registry_import

    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} ({workdir})")
    t = time.perf_counter()
    path = workdir / "registry.xlsx"
    build_workbook(path, args.sites, args.accounts)
    registry_import(path)
    print(
        f"registry: {args.sites} sites, {args.accounts} accounts in {time.perf_counter() - t:.0f}s"
    )
    env = dict(os.environ)
    if args.cprofile:
        args.cprofile.mkdir(parents=True, exist_ok=True)

    def case(name: str) -> None:
        prof = args.cprofile / f"{name}.prof" if args.cprofile else None
        seconds, mb, last = inspect(env, workdir / f"{name}.txt", prof)
        print(f"inspect {name:<12} {seconds:6.1f}s  peak RSS {mb:5.0f} MB  | {last}")
        print(f"        {per_target_ratio(args.sample)}")

    case("no-scans")
    t = time.perf_counter()
    count = scans_store(args.columns)
    print(
        f"stored {count} scans × {args.columns} column snapshots in {time.perf_counter() - t:.0f}s"
    )
    case("with-scans")
    print("goal: ≤ 30 s and ≤ 500 MB per case")


if __name__ == "__main__":
    main()
