"""The same crawl of 200 farm sites by the embedded watch on one worker process vs two:
throughput ratio and memory per worker.

    .venv/bin/python bench/watch_bench.py [--sites 200] [--pages-per-site 30]
        [--workers 1 2] [--repeat 1] [--server auto|nginx|aiohttp] [--nginx-workers 1]

Writes the static farm (demo.farm.static.write_static_farm: SITES small sites, about
1.4 x PAGES_PER_SITE HTML pages each since every column gets its list page) in a temp dir,
serves it on one loopback port per site with its own nginx (bench/probe_bench.py's
server; an aiohttp server in a separate process when nginx is absent), and registers the
sites in a temp SQLite database with `govwatch registry import` (www.benchN.gov.cn names
resolved to the ports through GOVWATCH_RESOLVE), as bench/scan_bench.py does.

Each mode (WORKERS = 1, then 2) runs in a child process on a fresh copy of that database
and a fresh data dir (no crawl state: nothing resumes), configured through the
environment (GOVWATCH_DATA_DIR, DATABASE_URL and CELERY_BROKER_URL empty,
GOVWATCH_RESOLVE, GOVWATCH_ALLOW_HOSTS=127.0.0.0/8). The child calls database_ready(),
builds the embedded runner `Watch(WORKERS, fetch=None, tick=1.0)`, warms its job pool's
fork server and, instead of starting the scheduler (which would fire probe rounds and the
daily jobs too), drives the crawl lane itself: WORKERS threads take
`Job("site_scan", {"site_code", "day", "kind": "full"})` from one queue and call
`job_run(job, execute=watch.pool.run)`, which is what the watch's crawl lane does (the
crawl in a job process from the fork server, the lease and the storing in the parent).

Measured: wall time from the first job to the last, pages fetched (the sum of the stored
ScanRun.stats["pages_fetched"]), pages/s, the CPU of the watch parent and of its
fork server and job processes, nginx's CPU, and, sampled from here every 0.1 s through
/proc, the peak RSS (and PSS, which splits the pages shared with the fork server) of the
watch parent, the fork server and each job process. Prints pages/s for each mode and the
ratio; figures only, nothing is asserted. The machine has 2 cores, and nginx shares them;
"other" CPU is what processes outside the bench used meanwhile (run it on a quiet machine).

As in `govwatch run`, every job process re-imports the parent's main module (forkserver
start method): here this file, ~70 ms with its imports, about what the product's job
processes pay for `.venv/bin/govwatch` (govwatch.cli).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.probe_bench import start_server  # noqa: E402
from bench.scan_bench import (  # noqa: E402
    _busy_seconds,
    _free_ports,
    _process_cpu,
    _steal_seconds,
    product_scan,
)
from demo.farm.static import SCAN_DATE, write_static_farm  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


# --- the child: one mode of the embedded watch -------------------------------------------


def child(workers: int, day: str) -> None:
    """Crawl every registered site through the watch's crawl lane with WORKERS lanes;
    print one JSON line of figures."""
    from govwatch.cli.base import database_ready

    database_ready()
    from django.db import close_old_connections, connection

    from govwatch.web.monitoring.jobs import Job, job_run
    from govwatch.web.monitoring.runner import Watch
    from govwatch.web.registry.models import Site
    from govwatch.web.scans.models import ScanRun

    watch = Watch(workers, fetch=None, tick=1.0, say=print)
    watch.pool.warm()  # as Watch.start: the fork server before any thread
    codes = list(Site.objects.order_by("site_code").values_list("site_code", flat=True))
    close_old_connections()
    jobs: queue.Queue[Job] = queue.Queue()
    for code in codes:
        jobs.put(Job("site_scan", {"site_code": code, "day": day, "kind": "full"}))
    failures: list[str] = []
    in_pool = [0.0]  # seconds the lanes spent waiting on pool.run (the crawl itself)
    lock = threading.Lock()

    def execute(fn: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return watch.pool.run(fn, *args)
        finally:
            with lock:
                in_pool[0] += time.perf_counter() - started

    def lane() -> None:
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            try:
                job_run(job, execute=execute, fetch=watch.fetch)
            except Exception as exc:  # counted and shown, as the watch logs it
                with lock:
                    failures.append(f"{job.label()}: {type(exc).__name__}: {exc}"[:300])
            close_old_connections()
        connection.close()

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    threads = [threading.Thread(target=lane, name=f"crawl-{i + 1}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    stats = list(ScanRun.objects.values_list("stats", flat=True))
    # Stop the fork server so that its CPU and its job processes' (reaped by it) are
    # counted in this process's RUSAGE_CHILDREN, and so in the bench's.
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    info = {
        "workers": workers,
        "sites": len(codes),
        "runs": len(stats),
        "failed": len(failures),
        "failures": failures[:5],
        "wall": wall,
        "in_pool": in_pool[0],
        "pages": sum(int(s.get("pages_fetched", 0)) for s in stats),
        "crawl_seconds": sum(float(s.get("elapsed", 0.0)) for s in stats),
        "requests": sum(int(s.get("requests", 0)) for s in stats),
        "links": sum(int(s.get("links_checked", 0)) for s in stats),
        "job_processes": watch.pool.started,
        "parent_cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "children_cpu": kids.ru_utime + kids.ru_stime,
        "children_counted": stop is not None,
    }
    print(json.dumps(info))


# --- sampling the child's process tree -------------------------------------------------


def _status_kb(pid: int, field: str, name: str = "status") -> int:
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return kids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class TreeSampler:
    """Every INTERVAL seconds: the RSS and PSS of the watch parent, its fork server and
    each job process (the fork server's children); keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak: dict[int, tuple[str, int, int]] = {}  # pid -> (role, RSS kB, PSS kB)
        self.tree_kb = 0
        self.most_workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _note(self, pid: int, role: str) -> int:
        rss = _status_kb(pid, "VmRSS")
        pss = _status_kb(pid, "Pss", "smaps_rollup")
        _, top_rss, top_pss = self.peak.get(pid, (role, 0, 0))
        if rss:
            self.peak[pid] = (role, max(top_rss, rss), max(top_pss, pss))
        return rss

    def _run(self) -> None:
        while not self._stop.is_set():
            total = self._note(self.pid, "parent")
            workers = 0
            for kid in _children(self.pid):
                line = _cmdline(kid)
                role = "fork server" if "forkserver" in line else "other"
                role = "resource tracker" if "resource_tracker" in line else role
                total += self._note(kid, role)
                if role == "fork server":
                    for job in _children(kid):
                        total += self._note(job, "worker")
                        workers += 1
            self.tree_kb = max(self.tree_kb, total)
            self.most_workers = max(self.most_workers, workers)
            self._stop.wait(self.interval)

    def roles(self, role: str) -> list[tuple[int, int]]:
        """(peak RSS kB, peak PSS kB) of each process of ROLE."""
        return [(rss, pss) for r, rss, pss in self.peak.values() if r == role]


def run_mode(workers: int, day: str, env: dict[str, str], server: int) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = _process_cpu(server)
    busy_before, steal_before = _busy_seconds(), _steal_seconds()
    cmd = [PYTHON, str(Path(__file__).resolve()), "--child", str(workers), "--day", day]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    with TreeSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, steal = _busy_seconds() - busy_before, _steal_seconds() - steal_before
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"the {workers}-worker child exited {proc.returncode}")
    info: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    info.update(
        cpu_total=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        server_cpu=_process_cpu(server) - server_before,
        busy=busy,
        steal=steal,
        rate=info["pages"] / info["wall"] if info["wall"] else 0.0,
        sampler=sampler,
        stderr=err.decode(errors="replace"),
    )
    return info


def _mb(kb: float) -> str:
    return f"{kb / 1024:.1f}"


def _print_mode(info: dict[str, Any]) -> None:
    sampler: TreeSampler = info["sampler"]
    workers = sampler.roles("worker")
    parent = sampler.roles("parent")
    fork = sampler.roles("fork server")
    rss = sorted(r for r, _ in workers)
    pss = sorted(p for _, p in workers)
    lanes = info["workers"]
    print(
        f"\n{lanes} worker{'s' if lanes > 1 else ''}: {info['runs']}/{info['sites']} sites stored,"
        f" {info['pages']} pages fetched ({info['requests']} requests, {info['links']} links"
        f" checked) in {info['wall']:.1f} s -> {info['rate']:.1f} pages/s;"
        f" {info['job_processes']} job processes; jobs failed: {info['failed']}"
    )
    for failure in info["failures"]:
        print(f"  failure: {failure}")
    if info["failed"] and info["stderr"].strip():
        print("  the child's stderr, last lines:")
        print("\n".join(f"    {line}" for line in info["stderr"].strip().splitlines()[-12:]))
    print(
        f"  lanes' time in pool.run (crawl in a job process, incl. its start): {info['in_pool']:.1f} s"
        f" of {lanes} x {info['wall']:.1f} s; lease + storing in the parent: "
        f"{lanes * info['wall'] - info['in_pool']:.1f} s"
    )
    print(
        f"  crawl time inside the job processes (sum of ScanStats.elapsed):"
        f" {info['crawl_seconds']:.1f} s; job process overhead (fork, arguments, start-up,"
        f" result back): {info['in_pool'] - info['crawl_seconds']:.1f} s"
        f" ({(info['in_pool'] - info['crawl_seconds']) / max(1, info['job_processes']) * 1000:.0f}"
        " ms per job)"
    )
    other = info["cpu_total"] - info["parent_cpu"]
    print(
        f"  CPU s: watch parent {info['parent_cpu']:.1f} (during the crawl), fork server + job"
        f" processes {info['children_cpu']:.1f}, whole child tree {info['cpu_total']:.1f}"
        f" (parent start-up and migrations included: {other - info['children_cpu']:.1f});"
        f" server {info['server_cpu']:.1f}; CPU s per page (tree): "
        f"{info['cpu_total'] / max(1, info['pages']) * 1000:.2f} ms"
    )
    print(
        f"  machine, over the whole child run: busy {info['busy']:.1f} CPU s of {os.cpu_count() or 1} x"
        f" {info['wall']:.1f} s crawl wall; used outside the bench (other):"
        f" {max(0.0, info['busy'] - info['cpu_total'] - info['server_cpu']):.1f} s;"
        f" stolen by the hypervisor: {info['steal']:.1f} s"
    )
    if not info["children_counted"]:
        print("  (fork server not stopped: its and its job processes' CPU is not counted)")
    if rss:
        print(
            f"  peak RSS MB: watch parent {_mb(max(r for r, _ in parent))},"
            f" fork server {_mb(max((r for r, _ in fork), default=0))},"
            f" job process max {_mb(rss[-1])} / median {_mb(statistics.median(rss))}"
            f" (PSS max {_mb(pss[-1])} / median {_mb(statistics.median(pss))}),"
            f" whole tree {_mb(sampler.tree_kb)}; job processes seen {len(rss)},"
            f" at once at most {sampler.most_workers}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--pages-per-site", type=int, default=30, help="farm's pages argument")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="modes to run")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode (alternating)")
    parser.add_argument("--server", choices=("auto", "nginx", "aiohttp"), default="auto")
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--day", default=SCAN_DATE.isoformat(), help="the crawl's scan day")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    dt.date.fromisoformat(args.day)
    if args.child:
        return child(args.child, args.day)

    tmp = Path(tempfile.mkdtemp(prefix="govwatch-watch-bench-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user when started by root
    farm = tmp / "farm"
    truth = write_static_farm(farm, args.pages_per_site * args.sites, args.sites)
    ports = _free_ports(args.sites)
    hosts = [f"www.bench{i}.gov.cn" for i in range(args.sites)]
    _, env = product_scan(
        tmp / "registry",
        [(f"98{i:08d}", f"基准市{i}人民政府", f"http://{h}/") for i, h in enumerate(hosts)],
        [f"{h}=127.0.0.1:{port}" for h, port in zip(hosts, ports, strict=True)],
    )
    roots = [(port, farm / f"site{i}") for i, port in enumerate(ports)]
    server, label = start_server(tmp, roots, args.server, args.nginx_workers)
    print(
        f"watch bench: {args.sites} sites, {truth['html_pages']} HTML pages in the farm,"
        f" scan day {args.day}; server: {label}; cores: {os.cpu_count()}"
    )
    rows: dict[int, list[dict[str, Any]]] = {}
    try:
        for number in range(max(1, args.repeat)):
            for workers in args.workers:
                data = tmp / f"run{number}-w{workers}"  # fresh database copy, no crawl state
                shutil.copytree(tmp / "registry", data)
                info = run_mode(
                    workers, args.day, dict(env, GOVWATCH_DATA_DIR=str(data)), server.pid
                )
                _print_mode(info)
                rows.setdefault(workers, []).append(info)
                shutil.rmtree(data, ignore_errors=True)
    finally:
        server.terminate()
        server.wait(10)
    print("\nsummary (fastest run of each mode):")
    best = {w: max(runs, key=lambda r: r["rate"]) for w, runs in rows.items()}
    for workers, info in best.items():
        rss = [r for r, _ in info["sampler"].roles("worker")]
        parent = max(r for r, _ in info["sampler"].roles("parent"))
        every = ", ".join(f"{run['rate']:.1f}" for run in rows[workers])
        print(
            f"  {workers} worker{'s' if workers > 1 else ' '}: {info['rate']:7.1f} pages/s"
            f" ({info['pages']} pages, {info['wall']:.1f} s), peak RSS per job process"
            f" {_mb(max(rss, default=0))} MB, watch parent {_mb(parent)} MB,"
            f" every run: {every} pages/s"
        )
    if len(best) > 1 and all(info["rate"] for info in best.values()):
        low, high = min(best), max(best)
        print(
            f"  {high} workers / {low} worker{'s' if low > 1 else ''}:"
            f" {best[high]['rate'] / best[low]['rate']:.2f}x pages/s"
            f" (2 cores, shared with the HTTP server and the watch parent)"
        )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
