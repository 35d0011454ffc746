"""Storage of availability probes per site-year: raw window + daily rollups, measured.

Run:  .venv/bin/python bench/probe_storage_bench.py [--sites 200] [--backends sqlite,pg]
      [--raw-days 14] [--older-days 30] [--real-at] [--pg-url postgres://postgres@127.0.0.1:5432]

Each backend runs in its own child process (Django binds one database per process), on a
fresh database: SQLite in a temporary GOVWATCH_DATA_DIR (the embedded default, WAL), and
PostgreSQL in a scratch database `govwatch_bench_probes` created and dropped here (the
backend is reported as skipped when the server cannot be reached). The child migrates
with `govwatch.cli.base.database_ready()`, then:

1. creates SITES sites (one Unit);
2. stores the steady-state raw window, RAW_DAYS days × 48 probes a day per site, the way
   probe rounds store them: round after round in time order, every site of a round
   together, `bulk_create` in batches of 2,000 (probes_store's batch). Values: 97 % "ok"
   (http 200, elapsed lognormal around 0.3 s), 2 % "timeout" (no status, elapsed 15.0),
   1 % "server_error" (http 503); slot = the round time, and `at` = slot unless
   --real-at, which gives `at` the seconds and microseconds into the round that
   probe_round really stores (SQLite keeps datetimes as text, so this changes its sizes);
   then measures scans_probe and its indexes: SQLite sums `dbstat` pages per table and
   index (pages as inserted, WAL checkpointed first; without dbstat, the file-size
   delta after VACUUM), PostgreSQL takes pg_total_relation_size after VACUUM ANALYZE;
3. stores OLDER_DAYS more days of older raw probes, times `probes_rollup(first window
   day)` over them (raw probes removed per second, site-days written per second) and
   measures scans_probeday per row.

The parent prints per site: raw rows and bytes held, rollup rows and bytes per year, the
steady-state total per site-year, the projection for 14,000 sites (raw window + 1 year
and + 5 years of rollups), and the baseline of keeping every probe raw (17,520 rows per
site-year at the raw window's bytes per row) with the ratio rollup storage /
keep-everything storage; then the peak RSS of each child and of itself. Figures only:
nothing asserts a timing. About a minute per backend at the defaults.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROBES_PER_DAY = 48
DAYS_PER_YEAR = 365
PROJECTED_SITES = 14_000
SCRATCH_DB = "govwatch_bench_probes"
BATCH = 2000  # probes_store's bulk_create batch
FLUSH = 10_000  # rows per transaction while filling
TODAY = "2024-07-01"  # the rollup's day: the raw window is the 14 days before it

Result = dict[str, Any]


# --- child: one backend, one process ---------------------------------------------------


def sites_create(count: int) -> list[int]:
    from govwatch.web.registry.models import Site, Unit

    unit = Unit.objects.create(name="基准市人民政府办公室", level="prefecture", kind="department")
    Site.objects.bulk_create(
        (
            Site(
                site_code=str(4100000000 + n),
                name=f"基准网站{n:05d}",
                home_url=f"http://www.s{n:05d}.gov.cn/",
                kind="department",
                operating_unit=unit,
                status="running",
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    return list(Site.objects.order_by("pk").values_list("pk", flat=True))


def probes_fill(site_ids: list[int], first_day: Any, days: int, seed: int, real_at: bool) -> int:
    """Store DAYS days of probes from FIRST_DAY, round by round; returns the rows stored."""
    import datetime as dt
    import random

    from django.db import transaction

    from govwatch.engine.clock import day_start
    from govwatch.web.scans.models import Probe

    rng = random.Random(seed)
    mu = math.log(0.3)
    stored = 0
    pending: list[Probe] = []

    def flush() -> None:
        with transaction.atomic():
            Probe.objects.bulk_create(pending, batch_size=BATCH)
        pending.clear()

    step = dt.timedelta(days=1) / PROBES_PER_DAY
    for d in range(days):
        start = day_start(first_day + dt.timedelta(days=d))
        for r in range(PROBES_PER_DAY):
            slot = start + r * step
            for site_id in site_ids:
                at = slot + dt.timedelta(seconds=rng.uniform(0.0, 40.0)) if real_at else slot
                draw = rng.random()
                if draw < 0.97:
                    ok, status, reason, outcome = True, 200, "http 200", "ok"
                    elapsed = round(min(rng.lognormvariate(mu, 0.6), 14.9), 4)
                elif draw < 0.99:
                    ok, status, reason, outcome, elapsed = False, None, "timeout", "timeout", 15.0
                else:
                    ok, status, reason, outcome = False, 503, "http 503", "server_error"
                    elapsed = round(min(rng.lognormvariate(mu, 0.6), 14.9), 4)
                pending.append(
                    Probe(site_id=site_id, at=at, ok=ok, status=status, reason=reason,
                          elapsed=elapsed, outcome=outcome, slot=slot)
                )  # fmt: skip
            if len(pending) >= FLUSH:
                stored += len(pending)
                flush()
    if pending:
        stored += len(pending)
        flush()
    return stored


class SqliteMeter:
    """Bytes of a table and its indexes: dbstat pages, else the VACUUMed file's growth."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.path = Path(connection.settings_dict["NAME"])
        with connection.cursor() as cur:
            try:
                cur.execute("SELECT COUNT(*) FROM dbstat")
                self.dbstat = True
            except Exception:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
                self.dbstat = False
        self.method = "dbstat pages (as inserted)" if self.dbstat else "file delta after VACUUM"
        self.baseline = self._file_bytes()

    def _file_bytes(self) -> int:
        with self.connection.cursor() as cur:
            if not self.dbstat:
                cur.execute("VACUUM")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size

    def relations(self, table: str) -> dict[str, int]:
        """{table or index name: bytes}; without dbstat one entry, the whole file's growth."""
        if not self.dbstat:
            return {"(file growth)": self._file_bytes() - self.baseline}
        with self.connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = %s AND type IN ('table', 'index')",
                [table],
            )
            names = [row[0] for row in cur.fetchall()]
            marks = ", ".join(["%s"] * len(names))
            cur.execute(
                f"SELECT name, SUM(pgsize) FROM dbstat WHERE name IN ({marks}) GROUP BY name",
                names,
            )
            return {name: int(size) for name, size in cur.fetchall()}

    def rebase(self) -> None:
        """Without dbstat: later growth is counted from here (the raw window is in place)."""
        if not self.dbstat:
            self.baseline = self._file_bytes()

    def free_bytes(self) -> int:
        with self.connection.cursor() as cur:
            cur.execute("PRAGMA freelist_count")
            free = cur.fetchone()[0]
            cur.execute("PRAGMA page_size")
            return int(free) * int(cur.fetchone()[0])


class PostgresMeter:
    """Bytes of a table (heap, TOAST, free-space and visibility maps) and of each index,
    after VACUUM ANALYZE; their sum is pg_total_relation_size."""

    method = "pg_total_relation_size after VACUUM ANALYZE"

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection

    def relations(self, table: str) -> dict[str, int]:
        with self.connection.cursor() as cur:
            cur.execute(f'VACUUM ANALYZE "{table}"')
            cur.execute(
                "SELECT pg_table_size(%s::regclass), pg_total_relation_size(%s::regclass)",
                [table, table],
            )
            heap, total = cur.fetchone()
            cur.execute(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
                [table],
            )
            found = {table: int(heap)} | {name: int(size) for name, size in cur.fetchall()}
        assert sum(found.values()) == total, (found, total)
        return found

    def rebase(self) -> None:
        pass

    def free_bytes(self) -> int:
        return 0


def child(args: argparse.Namespace) -> None:
    import datetime as dt

    from govwatch.cli.base import database_ready

    database_ready()
    from django.conf import settings

    from govwatch.web.scans.models import Probe, ProbeDay
    from govwatch.web.scans.services import probes_rollup

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    meter: SqliteMeter | PostgresMeter = SqliteMeter() if vendor == "sqlite3" else PostgresMeter()
    today = dt.date.fromisoformat(TODAY)
    window_start = today - dt.timedelta(days=args.raw_days)
    older_start = window_start - dt.timedelta(days=args.older_days)
    result: Result = {"backend": args.child, "sites": args.sites, "method": meter.method}

    t = time.perf_counter()
    site_ids = sites_create(args.sites)
    print(f"[{args.child}] {len(site_ids)} sites in {time.perf_counter() - t:.1f}s", flush=True)

    t = time.perf_counter()
    rows = probes_fill(site_ids, window_start, args.raw_days, 1, args.real_at)
    seconds = time.perf_counter() - t
    window = meter.relations("scans_probe")
    result |= {"window_rows": rows, "window_seconds": seconds, "window": window}
    print(
        f"[{args.child}] raw window: {rows:,} probes ({args.raw_days} days) stored in "
        f"{seconds:.1f}s ({rows / seconds:,.0f}/s); scans_probe {sum(window.values()):,} B",
        flush=True,
    )
    meter.rebase()

    t = time.perf_counter()
    older = probes_fill(site_ids, older_start, args.older_days, 2, args.real_at)
    seconds = time.perf_counter() - t
    before = meter.relations("scans_probe")
    result |= {"older_rows": older, "older_seconds": seconds, "before_rollup": before}
    print(
        f"[{args.child}] older raw: {older:,} probes ({args.older_days} days) stored in "
        f"{seconds:.1f}s; scans_probe now {sum(before.values()):,} B "
        f"({rows + older:,} rows)",
        flush=True,
    )

    t = time.perf_counter()
    days, removed = probes_rollup(window_start)
    seconds = time.perf_counter() - t
    left = Probe.objects.count()
    rollup_rows = ProbeDay.objects.count()
    if (removed, days, left, rollup_rows) != (older, args.sites * args.older_days, rows, days):
        print(f"[{args.child}] WARNING: rollup counts off: {days=} {removed=} {left=}")
    probeday = meter.relations("scans_probeday")
    after = meter.relations("scans_probe")
    result |= {
        "rollup_seconds": seconds,
        "rollup_days": days,
        "rollup_removed": removed,
        "rollup_rows": rollup_rows,
        "probeday": probeday,
        "after_rollup": after,
        "free_after_rollup": meter.free_bytes(),
        "raw_left": left,
        "sample_day": ProbeDay.objects.order_by("day", "site_id")
        .values("count", "failed", "by_outcome", "p50", "p95")
        .first(),
    }
    print(
        f"[{args.child}] probes_rollup: {removed:,} raw probes → {days:,} site-days in "
        f"{seconds:.1f}s; scans_probeday {sum(probeday.values()):,} B",
        flush=True,
    )
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(args.result).write_text(json.dumps(result, default=str), encoding="utf-8")


# --- parent: databases, children, report ------------------------------------------------


def pg_admin(url: str, statement: str) -> str | None:
    """Run STATEMENT on the server's `postgres` database; None, or why it failed."""
    try:
        import psycopg

        with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(statement)
    except Exception as exc:  # any failure means: no PostgreSQL here
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> Result | str:
    """The child's result, or why the backend was skipped."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "govwatch.web.config.settings"
    env["GOVWATCH_DATA_DIR"] = str(workdir / backend)
    env.pop("DATABASE_URL", None)
    if backend == "pg":
        why = pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {SCRATCH_DB}") or pg_admin(
            args.pg_url, f"CREATE DATABASE {SCRATCH_DB}"
        )
        if why:
            return f"PostgreSQL not reachable at {args.pg_url} ({why})"
        env["DATABASE_URL"] = f"{args.pg_url}/{SCRATCH_DB}"
    out = workdir / f"{backend}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", backend,
               "--result", str(out), "--sites", str(args.sites), "--raw-days",
               str(args.raw_days), "--older-days", str(args.older_days)]  # fmt: skip
    if args.real_at:
        command.append("--real-at")
    try:
        code = subprocess.call(command, env=env, cwd=REPO)
    finally:
        if backend == "pg":
            pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
    if code != 0:
        return f"child exited {code}"
    return json.loads(out.read_text(encoding="utf-8"))


def size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError


def figures(r: Result) -> dict[str, float]:
    """Per-site figures of one backend's result."""
    raw_bytes = sum(r["window"].values())
    raw_per_row = raw_bytes / r["window_rows"]
    day_per_row = sum(r["probeday"].values()) / r["rollup_rows"]
    return {
        "raw_rows": r["window_rows"] / r["sites"],
        "raw_bytes": raw_bytes / r["sites"],
        "raw_per_row": raw_per_row,
        "day_per_row": day_per_row,
        "year_rows": DAYS_PER_YEAR,
        "year_bytes": DAYS_PER_YEAR * day_per_row,
        "keep_rows": DAYS_PER_YEAR * PROBES_PER_DAY,
        "keep_bytes": DAYS_PER_YEAR * PROBES_PER_DAY * raw_per_row,
    }


def report(r: Result) -> None:
    f = figures(r)
    raw_rows, raw_site, raw_per_row = f["raw_rows"], f["raw_bytes"], f["raw_per_row"]
    year_rows, year_bytes = int(f["year_rows"]), f["year_bytes"]
    keep_rows, keep_bytes = int(f["keep_rows"]), f["keep_bytes"]
    raw_bytes = sum(r["window"].values())
    big_per_row = sum(r["before_rollup"].values()) / (r["window_rows"] + r["older_rows"])
    day_bytes = sum(r["probeday"].values())
    day_per_row = f["day_per_row"]

    print(f"\n=== {r['backend']}: {r['sites']} sites, measured by {r['method']} ===")
    print(f"scans_probe with {raw_rows:,.0f} raw rows per site ({r['window_rows']:,} rows):")
    for name, b in sorted(r["window"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<40} {size(b):>11}  {b / r['window_rows']:6.1f} B/row")
    print(f"  {'total':<40} {size(raw_bytes):>11}  {raw_per_row:6.1f} B/row")
    print(
        f"  (check: {r['window_rows'] + r['older_rows']:,} rows held before the rollup → "
        f"{big_per_row:.1f} B/row)"
    )
    after = sum(r["after_rollup"].values())
    free = r["free_after_rollup"]
    print(
        f"  after the rollup deleted {r['rollup_removed']:,} rows: scans_probe holds "
        f"{size(after)}" + (f", file free list {size(free)}" if free else "")
        + " (freed space is reused by the next rounds, not returned)"
    )  # fmt: skip
    print(f"scans_probeday with {r['rollup_rows']:,} rows:")
    for name, b in sorted(r["probeday"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<40} {size(b):>11}  {b / r['rollup_rows']:6.1f} B/row")
    print(f"  {'total':<40} {size(day_bytes):>11}  {day_per_row:6.1f} B/row")
    print(f"  first row: {r['sample_day']}")
    secs = r["rollup_seconds"]
    per_day = PROJECTED_SITES * PROBES_PER_DAY
    print(
        f"probes_rollup: {r['rollup_removed']:,} raw probes → {r['rollup_days']:,} site-days "
        f"in {secs:.2f}s = {r['rollup_removed'] / secs:,.0f} raw probes/s, "
        f"{r['rollup_days'] / secs:,.0f} site-days/s; one day of {PROJECTED_SITES:,} sites "
        f"({per_day:,} probes) ≈ {per_day / (r['rollup_removed'] / secs):.0f}s"
    )
    print(
        f"inserts: raw window {r['window_rows'] / r['window_seconds']:,.0f} probes/s, "
        f"older days {r['older_rows'] / r['older_seconds']:,.0f} probes/s"
    )

    print("per site:")
    print(f"  raw window held        {raw_rows:>8,.0f} rows  {size(raw_site):>11}")
    print(f"  rollups per year       {year_rows:>8,} rows  {size(year_bytes):>11}")
    print(
        f"  steady state, 1 year   {raw_rows + year_rows:>8,.0f} rows  "
        f"{size(raw_site + year_bytes):>11}"
    )
    print(
        f"  each further year      +{year_rows:,} rows, +{size(year_bytes)} "
        f"(for {keep_rows:,} probes taken)"
    )
    print(f"  keep-everything, 1 y   {keep_rows:>8,} rows  {size(keep_bytes):>11}")

    print(f"projection for {PROJECTED_SITES:,} sites × {PROBES_PER_DAY} probes a day:")
    rows = [
        ("raw window only", raw_rows, raw_site),
        ("raw window + 1 year of rollups", raw_rows + year_rows, raw_site + year_bytes),
        ("raw window + 5 years of rollups", raw_rows + 5 * year_rows, raw_site + 5 * year_bytes),
        ("keep-everything raw, 1 year", keep_rows, keep_bytes),
        ("keep-everything raw, 5 years", 5 * keep_rows, 5 * keep_bytes),
    ]
    for label, n_rows, n_bytes in rows:
        print(
            f"  {label:<34} {n_rows * PROJECTED_SITES:>16,.0f} rows  "
            f"{size(n_bytes * PROJECTED_SITES):>11}"
        )
    for years in (1, 5):
        rollup = raw_site + years * year_bytes
        keep = years * keep_bytes
        print(
            f"  rollup storage / keep-everything storage, {years} y: "
            f"{rollup / keep:.3f} ({keep / rollup:.1f}× smaller)"
        )
    print(f"peak RSS of the {r['backend']} child: {r['peak_rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,pg", help="comma-separated: sqlite,pg")
    parser.add_argument("--raw-days", type=int, default=14, help="GOVWATCH_PROBE_RAW_DAYS")
    parser.add_argument("--older-days", type=int, default=30, help="older days to roll up")
    parser.add_argument("--real-at", action="store_true", help="at = slot + seconds.micro")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    started = time.perf_counter()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    print(
        f"probe storage: {args.sites} sites, raw window {args.raw_days} days × "
        f"{PROBES_PER_DAY} probes, {args.older_days} older days rolled up; "
        f"at = {'slot + seconds into the round' if args.real_at else 'slot'}",
        flush=True,
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="govwatch-probe-storage-") as tmp:
        for backend in backends:
            if backend not in {"sqlite", "pg"}:
                parser.error(f"unknown backend {backend!r}")
            got = run_backend(backend, args, Path(tmp))
            if isinstance(got, str):
                print(f"[{backend}] skipped: {got}", flush=True)
            else:
                results.append(got)
    for r in results:
        report(r)
    if len(results) > 1:
        print("\nsummary per site-year (raw window held + 365 rollup rows):")
        for r in results:
            f = figures(r)
            steady = f["raw_bytes"] + f["year_bytes"]
            print(
                f"  {r['backend']:<7} {f['raw_rows'] + f['year_rows']:,.0f} rows, "
                f"{size(steady)} (raw {f['raw_rows']:,.0f} rows {size(f['raw_bytes'])} + "
                f"rollups {f['year_rows']:,.0f} rows {size(f['year_bytes'])}); keep-everything "
                f"{f['keep_rows']:,.0f} rows {size(f['keep_bytes'])}; ratio "
                f"{steady / f['keep_bytes']:.3f}"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\npeak RSS: this process {own:.0f} MB, largest child {kids:.0f} MB; "
        f"wall {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
