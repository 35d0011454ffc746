"""Benchmark: importing a large registry and re-importing it.

Run:  .venv/bin/python bench/registry_import.py [--sites 20000] [--accounts 100000]
      .venv/bin/python bench/registry_import.py --units 200000

Default mode (DATABASE_URL=postgres://... to measure PostgreSQL instead of SQLite): wall time
and peak memory of reading the file alone, the first import, the second import (must change
nothing), and, as the baseline in the same run, the naive approach of one ORM
update_or_create per row on a sample, with the rows/s ratio.

--units N: a national registry of N units (one province, N/10 cities of a government and
nine departments; every unit has an alias scoped to its city, as 市公安局 is). The importer
as it is and the importer as it was before the streaming rewrite (read from git at
BASELINE_COMMIT, run unchanged: "today" in issue "Hardening") each import, on a SQLite
database of their own: the file into an empty registry, the same file again (changes
nothing), and the file with a tenth of the units changed. Every import runs in a child
process of its own; for each: wall time, the child's peak RSS (ru_maxrss), how long the
write transaction held SQLite's write lock, and the longest wait of a concurrent writer (a
second process taking the write lock every 0.1 s, as the web app and the other verbs do);
then the ratios. Needs git and the repository's history.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# The last commit of govwatch/web/registry/importing.py before the streaming rewrite (issue
# "Hardening", items 2 and 4): the baseline of --units.
BASELINE_COMMIT = "aafa5dd9d9f61541d36351f4100ba86e136f3130"
BASELINE_PATH = "govwatch/web/registry/importing.py"
PHASES = ("first import", "same file again", "a tenth changed")


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


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("GOVWATCH_DATA_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def default_mode(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="govwatch-bench-"))
    setup_django(workdir)
    from django.conf import settings

    from govwatch.engine.tabular import read_table_file
    from govwatch.web.registry.services import registry_import

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
          f"write lock {first.write_seconds:.1f}s  peak RSS {peak_mb():.0f} MB")  # fmt: skip

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


# -- --units -------------------------------------------------------------------------------


def unit_rows(n_units: int, changed: bool = False) -> Iterator[list[str]]:
    """A province, then cities of ten units each: the government and nine departments, every
    one with an alias scoped to its city. ``changed``: every tenth unit has a new phone."""
    yield ["某省人民政府", "省政府", "", "省级", "政府", "张三", "0971-0000000", ""]
    for i in range(n_units - 1):
        city, d = divmod(i, 10)
        phone = f"0971-{i:07d}"
        if changed and i % 10 == 3:
            phone = f"0972-{i:07d}"
        if d == 0:
            yield [f"第{city}市人民政府", "市政府", "某省人民政府", "地市级", "政府", "", phone, ""]
        else:
            yield [f"第{city}市第{d}局", f"市第{d}局", f"第{city}市人民政府", "地市级", "部门",
                   f"联系人{i}", phone, f"u{i}@example.gov.cn"]  # fmt: skip


def build_units_workbooks(workdir: Path, n_units: int) -> tuple[Path, Path]:
    from govwatch.engine.registry import schema as S
    from govwatch.engine.tabular import write_xlsx

    same, changed = workdir / "units.xlsx", workdir / "units-changed.xlsx"
    write_xlsx(same, [("单位", S.UNITS.headers, unit_rows(n_units))])
    write_xlsx(changed, [("单位", S.UNITS.headers, unit_rows(n_units, changed=True))])
    return same, changed


def load_baseline() -> types.ModuleType:
    """The importer as it was at BASELINE_COMMIT, run as it was (on today's models)."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{BASELINE_COMMIT}:{BASELINE_PATH}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("registry_importing_baseline")
    module.__file__ = f"{BASELINE_COMMIT[:7]}:{BASELINE_PATH}"
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


class LockProbe:
    """Another process's writes during the import: BEGIN IMMEDIATE; COMMIT every 0.1 s on
    the same SQLite file, as a web request or another verb would; the longest wait."""

    SCRIPT = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=600, isolation_level=None)
while True:
    t = time.perf_counter()
    db.execute("BEGIN IMMEDIATE"); db.execute("COMMIT")
    print(f"{time.perf_counter() - t:.3f}", flush=True)
    time.sleep(0.1)
"""

    def __init__(self, database: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.SCRIPT, database],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.longest = 0.0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.longest = max(self.longest, float(line))

    def reset(self) -> None:
        time.sleep(0.3)
        self.longest = 0.0

    def result(self) -> float:
        time.sleep(0.3)  # the probe's write after the import has returned
        return self.longest

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def child(args: argparse.Namespace) -> None:
    """One import (--child before|after FILE) in a process of its own, on the SQLite database
    of --data-dir, prints its RESULT line; --child migrate creates that database."""
    os.environ["GOVWATCH_DATA_DIR"] = args.data_dir
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.conf import settings

    if args.child == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return
    locks: list[float] = []
    if args.child == "before":
        module = load_baseline()
        real = module.transaction

        @contextlib.contextmanager
        def timed_atomic() -> Iterator[None]:
            start = time.perf_counter()
            try:
                with real.atomic():
                    yield
            finally:
                locks.append(time.perf_counter() - start)

        # The old importer holds its transaction from its first query to its last write.
        module.transaction = types.SimpleNamespace(atomic=timed_atomic)
        run: Any = module.registry_import
    else:
        from govwatch.web.registry.services import registry_import as run
    probe = LockProbe(str(settings.DATABASES["default"]["NAME"]))
    try:
        probe.reset()
        start = time.perf_counter()
        report = run(Path(args.file))
        seconds = time.perf_counter() - start
        result = {
            "seconds": seconds,
            "lock": report.write_seconds if args.child == "after" else sum(locks),
            "waited": probe.result(),
            "counts": {k: vars(v) for k, v in report.counts.items()},
        }
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        probe.stop()


def run_child(*args: str) -> tuple[dict[str, Any], float]:
    """The child's RESULT (empty for migrate) and its peak RSS in MB."""
    command = [sys.executable, __file__, "--child", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert process.stdout is not None
    result: dict[str, Any] = {}
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="")
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the child {args} failed (status {status})")
    return result, usage.ru_maxrss / 1024


def units_mode(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="govwatch-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    os.environ.setdefault("GOVWATCH_DATA_DIR", str(workdir / "var"))
    t = time.perf_counter()
    files = build_units_workbooks(workdir, args.units)
    size = files[0].stat().st_size / 1e6
    print(f"workbooks: {args.units} units each ({size:.1f} MB), built in "
          f"{time.perf_counter() - t:.0f}s; database: SQLite, fresh per mode; "
          "each import in a child process of its own")  # fmt: skip
    _, idle = run_child("migrate", "--data-dir", str(workdir / "idle"))
    print(f"(a child that only starts Django and migrates peaks at {idle:.0f} MB)")
    results: dict[str, list[dict[str, Any]]] = {}
    modes = [("after", "now"), ("before", f"before ({BASELINE_COMMIT[:7]})")]
    if args.skip_baseline:
        modes = modes[:1]
    for mode, label in modes:
        data_dir = str(workdir / mode)
        run_child("migrate", "--data-dir", data_dir)
        results[mode] = []
        for phase, path in zip(PHASES, [files[0], files[0], files[1]], strict=True):
            result, rss = run_child(mode, "--data-dir", data_dir, "--file", str(path))
            result["rss"] = rss
            results[mode].append(result)
            counts = "，".join(
                f"{k} +{c['created']} ~{c['updated']} ={c['unchanged']}"
                for k, c in result["counts"].items()
            )
            print(f"{label:>18}  {phase:<16} {result['seconds']:6.1f}s  peak RSS {rss:5.0f} MB  "
                  f"write lock held {result['lock']:6.2f}s  another writer waited up to "
                  f"{result['waited']:6.2f}s  ({counts})", flush=True)  # fmt: skip
    if "before" not in results:
        return
    for at, phase in enumerate(PHASES):
        before, after = results["before"][at], results["after"][at]
        print(f"ratio {phase:<16} {before['seconds'] / after['seconds']:4.1f}x faster "
              f"({before['seconds']:.0f}s → {after['seconds']:.0f}s), "
              f"peak RSS {before['rss']:.0f} → {after['rss']:.0f} MB, "
              f"write lock {before['lock']:.1f}s → {after['lock']:.2f}s, "
              f"another writer waited {before['waited']:.1f}s → {after['waited']:.2f}s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    parser.add_argument("--units", type=int, help="the national-registry mode (see above)")
    parser.add_argument("--skip-baseline", action="store_true", help="--units: today's only")
    parser.add_argument("--child", choices=("before", "after", "migrate"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    elif args.units:
        units_mode(args)
    else:
        default_mode(args)


if __name__ == "__main__":
    main()
