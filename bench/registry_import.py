"""Benchmark: importing a large registry (20,000 sites, 100,000 accounts) and re-importing it.

Run:  .venv/bin/python bench/registry_import.py [--sites 20000] [--accounts 100000]
      (DATABASE_URL=postgres://... to measure PostgreSQL instead of the default SQLite)

Prints wall time and peak memory of: reading the file alone, the first import, the
second import (must change nothing), and, as the baseline in the same run, the naive
approach of one ORM update_or_create per row on a sample, with the rows/s ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_workbook(path: Path, n_sites: int, n_accounts: int) -> int:
    from govwatch.engine.registry import schema as S
    from govwatch.engine.tabular import write_xlsx

    n_regions = 200
    units = [["某省人民政府", "省政府", "", "省级", "政府", "", "", ""]]
    for r in range(n_regions):
        units.append([f"第{r}市人民政府", "市政府", "某省人民政府", "地市级", "政府", "", "", ""])
        for d in range(9):
            units.append(
                [f"第{r}市第{d}局", f"市第{d}局", f"第{r}市人民政府", "地市级", "部门", "", "", ""]
            )
    sites = [
        [f"{4100000000 + i}", f"网站{i}", f"http://s{i}.example.gov.cn/", "", "",
         "部门网站", f"第{i % n_regions}市第{i % 9}局", f"第{i % n_regions}市人民政府", "正常运行"]
        for i in range(n_sites)
    ]  # fmt: skip
    platforms = ["微信公众号", "新浪微博", "抖音", "今日头条"]
    accounts = [
        [platforms[i % 4], f"账号{i}", f"id{i}", f"第{i % n_regions}市第{i % 9}局", "",
         "正常运行", "是", "", "", "是"]
        for i in range(n_accounts)
    ]  # fmt: skip
    write_xlsx(
        path,
        [
            ("单位", S.UNITS.headers, units),
            ("网站", S.SITES.headers, sites),
            ("账号", S.ACCOUNTS.headers, accounts),
        ],
    )
    return len(units)


def naive_baseline(sample: int) -> float:
    """One update_or_create per row: what a first draft of an importer does. Returns rows/s."""
    from govwatch.web.registry.models import Account, Unit

    unit = Unit.objects.get(name="第0市第0局")
    start = time.perf_counter()
    for i in range(sample):
        Account.objects.update_or_create(
            platform="douyin",
            platform_id=f"naive{i}",
            defaults={"name": f"基线{i}", "opening_unit": unit, "status": "running"},
        )
    return sample / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="govwatch-bench-"))
    os.environ.setdefault("GOVWATCH_DATA_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from govwatch.engine.tabular import read_table_file
    from govwatch.web.registry.services import registry_import

    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    path = workdir / "registry.xlsx"
    t = time.perf_counter()
    n_units = build_workbook(path, args.sites, args.accounts)
    rows = n_units + args.sites + args.accounts
    print(f"workbook: {n_units} units, {args.sites} sites, {args.accounts} accounts "
          f"({path.stat().st_size / 1e6:.1f} MB) built in {time.perf_counter() - t:.1f}s")  # fmt: skip

    t = time.perf_counter()
    read_table_file(path)
    read_s = time.perf_counter() - t
    print(f"read file only:  {read_s:6.1f}s  peak RSS {peak_mb():.0f} MB")

    t = time.perf_counter()
    first = registry_import(path)
    first_s = time.perf_counter() - t
    created = sum(c.created for c in first.counts.values())
    print(f"first import:    {first_s:6.1f}s  {rows / first_s:8.0f} rows/s  created {created}  "
          f"peak RSS {peak_mb():.0f} MB")  # fmt: skip

    t = time.perf_counter()
    second = registry_import(path)
    second_s = time.perf_counter() - t
    print(f"second import:   {second_s:6.1f}s  {rows / second_s:8.0f} rows/s  "
          f"changed={second.changed}  peak RSS {peak_mb():.0f} MB")  # fmt: skip
    assert not second.changed, "a second import of the same file must change nothing"

    baseline = naive_baseline(args.baseline_sample)
    print(
        f"baseline (update_or_create per row, {args.baseline_sample} rows): {baseline:8.0f} rows/s"
    )
    print(f"ratio first import / baseline:  {rows / first_s / baseline:5.1f}x")
    print(f"ratio second import / baseline: {rows / second_s / baseline:5.1f}x")
    print(f"share of first import spent reading the xlsx: {read_s / first_s:.0%}")


if __name__ == "__main__":
    main()
