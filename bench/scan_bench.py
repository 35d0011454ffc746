"""Scanner benchmark: govwatch (1 and 2 processes) vs Scrapy vs LinkChecker on one farm.

    .venv/bin/python bench/scan_bench.py [--pages 20000] [--sites 8] [--no-linkchecker]
        [--repeat 2] [--check-text] [--nginx-workers 1]

Generates the big static farm in a temp dir, starts its own nginx on loopback ports (config
in the temp dir), runs each tool in its own process while sampling the RSS of its whole
process tree, and prints pages/s, CPU seconds, peak memory and ratios. Scrapy and
LinkChecker are pip-installed into separate venvs under /tmp (never into .venv). Prints
figures only: nothing here asserts a timing.

The machine may be shared: each row also shows nginx's CPU and the "other" CPU seconds that
processes outside the benchmark used meanwhile (whole-machine busy time from /proc/stat
minus the tool's and nginx's) and the time the hypervisor stole from this VM. With --repeat N
the govwatch runs alternate 1, 2, 1, 2 ... processes; each row keeps the fastest run of its
mode (best of N, as timeit does: the same work on a shared host only ever gets slower), and
every run's pages/s and the median of the paired 2/1 ratios are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.farm.static import write_static_farm  # noqa: E402

SCRAPY_VENV = Path(tempfile.gettempdir()) / "govwatch-bench-scrapy"
LINKCHECKER_VENV = Path(tempfile.gettempdir()) / "govwatch-bench-linkchecker"


def _free_ports(count: int) -> list[int]:
    socks = [socket.socket() for _ in range(count)]
    for sock in socks:
        sock.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for sock in socks:
        sock.close()
    return ports


def _start_nginx(
    tmp: Path, farm: Path, ports: list[int], workers: int = 1
) -> subprocess.Popen[bytes]:
    # nginx usually lives in an sbin directory that a non-login PATH may lack.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    nginx = shutil.which("nginx", path=search)
    if nginx is None:
        raise SystemExit("nginx not found: apt-get install nginx-light")
    servers = "\n".join(
        f"  server {{ listen 127.0.0.1:{port}; root {farm / f'site{i}'}; "
        "add_header LinkChecker govwatch-bench; }"
        for i, port in enumerate(ports)
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes {workers};\ndaemon off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'};\n"
        "events { worker_connections 4096; }\n"
        "http {\n  access_log off;\n  types { text/html html; application/pdf pdf; image/png png; }\n"
        "  default_type application/octet-stream;\n  sendfile on;\n"
        "  keepalive_requests 1000000;\n"
        f"  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
        f"{servers}\n}}\n"
    )
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "e.log")])
    deadline = time.monotonic() + 10
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.05)
    return proc


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError, ValueError):
            continue
    return total


def _cpu_fields() -> list[int]:
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores; not idle, not iowait)."""
    fields = _cpu_fields()
    return (sum(fields[:7]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _steal_seconds() -> float:
    """CPU seconds the hypervisor gave to other guests while this VM wanted to run."""
    fields = _cpu_fields()
    return fields[7] / os.sysconf("SC_CLK_TCK") if len(fields) > 7 else 0.0


def _process_cpu(pid: int) -> float:
    """utime + stime of one process and its children (nginx master and workers)."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def _measure(
    cmd: list[str], timeout: float | None = None, server: int | None = None
) -> dict[str, object]:
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = _busy_seconds()
    steal_before = _steal_seconds()
    server_before = _process_cpu(server) if server else 0.0
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.05)  # RSS grows smoothly; each sample costs ~0.2 ms of CPU

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        timed_out = True
    wall = time.monotonic() - started
    busy = _busy_seconds() - busy_before
    steal = _steal_seconds() - steal_before
    server_cpu = _process_cpu(server) - server_before if server else 0.0
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, -9) and not timed_out:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak / 1024,
        "load": load,
        "nginx_cpu": server_cpu,
        "other_cpu": max(0.0, busy - cpu - server_cpu),
        "steal": steal,
        "out": out.decode(errors="replace"),
        "err": err.decode(errors="replace"),
        "timed_out": timed_out,
    }


def _ensure_venv(venv: Path, package: str) -> bool:
    exe = venv / "bin" / package
    if exe.exists():
        return True
    base = getattr(sys, "_base_executable", sys.executable)
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", package], check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"  ({package} not installable: {exc})")
        return False
    return exe.exists()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--no-scrapy", action="store_true")
    parser.add_argument("--no-linkchecker", action="store_true")
    parser.add_argument("--linkchecker-timeout", type=float, default=90.0)
    parser.add_argument("--repeat", type=int, default=1, help="govwatch runs per mode")
    parser.add_argument("--check-text", action="store_true", help="also content checks")
    parser.add_argument("--nginx-workers", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="govwatch-bench-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user when started by root
    farm = tmp / "farm"
    print(f"farm: {tmp}")
    truth = write_static_farm(farm, args.pages, args.sites)
    pages_total = int(truth["html_pages"])  # type: ignore[arg-type]
    print(f"  {pages_total} HTML pages, {args.sites} sites, cores: {os.cpu_count()}")
    ports = _free_ports(args.sites)
    nginx = _start_nginx(tmp, farm, ports, args.nginx_workers)
    rows: dict[str, dict[str, object]] = {}
    runs: dict[str, list[float]] = {}  # pages/s of every govwatch run, per mode
    try:
        py = str(ROOT / ".venv" / "bin" / "python")
        scan = [py, str(ROOT / "bench" / "scan_run.py"), str(farm), *map(str, ports)]
        if args.check_text:
            scan.append("--check-text")
        for _ in range(max(1, args.repeat)):
            for label, procs in (("govwatch 1 process", 1), ("govwatch 2 processes", 2)):
                run = _measure([*scan, "--processes", str(procs)], server=nginx.pid)
                info = json.loads(run["out"].strip().splitlines()[-1])  # type: ignore[union-attr]
                run.update(pages=info["pages"], detail=info)
                run["rate"] = float(info["pages"]) / float(run["wall"])  # type: ignore[arg-type]
                runs.setdefault(label, []).append(float(run["rate"]))
                kept = rows.get(label)
                if kept is None or float(run["rate"]) > float(kept["rate"]):  # type: ignore[arg-type]
                    rows[label] = run
        if not args.no_scrapy and _ensure_venv(SCRAPY_VENV, "scrapy"):
            stats = tmp / "scrapy.json"
            run = _measure(
                [
                    str(SCRAPY_VENV / "bin" / "scrapy"),
                    "runspider",
                    str(ROOT / "bench" / "scan_scrapy_spider.py"),
                    "-a",
                    "ports=" + ",".join(map(str, ports)),
                    "-a",
                    f"stats={stats}",
                ],
                server=nginx.pid,
            )
            run["pages"] = json.loads(stats.read_text())["pages"] if stats.exists() else 0
            rows["scrapy (plain Spider)"] = run
        if not args.no_linkchecker and _ensure_venv(LINKCHECKER_VENV, "linkchecker"):
            rc = tmp / "linkcheckerrc"
            rc.write_text(
                "[checking]\nmaxrequestspersecond=100000\nthreads=10\n[output]\nstatus=0\n"
            )
            run = _measure(
                [
                    str(LINKCHECKER_VENV / "bin" / "linkchecker"),
                    "-f",
                    str(rc),
                    "--no-status",
                    f"http://127.0.0.1:{ports[0]}/",
                ],
                timeout=args.linkchecker_timeout,
                server=nginx.pid,
            )
            checked = re.search(r"(\d+) URLs? checked", str(run["out"]) + str(run["err"]))
            urls = int(checked.group(1)) if checked else 0
            html_site0 = int(truth["sites"][0]["html_pages"])  # type: ignore[index]
            # LinkChecker reports URLs, not pages: count pages as the site's share of URLs.
            run["pages"] = html_site0 if urls and not run["timed_out"] else 0
            run["note"] = f"site0 only; {urls} URLs; timed out: {run['timed_out']}"
            rows["linkchecker (site0)"] = run
    finally:
        nginx.terminate()
        nginx.wait(10)
    _report(rows, runs)
    shutil.rmtree(tmp, ignore_errors=True)


def _report(rows: dict[str, dict[str, object]], runs: dict[str, list[float]]) -> None:
    print(
        f"\n{'tool':26} {'pages':>7} {'wall s':>7} {'pages/s':>8} {'CPU s':>7} {'cores':>6}"
        f" {'pages/CPU-s':>11} {'peak MB':>8} {'load':>5} {'nginx s':>7} {'other s':>7}"
        f" {'steal s':>7}"
    )
    rate: dict[str, float] = {}
    for label, row in rows.items():
        pages, wall, cpu = float(row["pages"]), float(row["wall"]), float(row["cpu"])  # type: ignore[arg-type]
        rate[label] = pages / wall if wall else 0.0
        print(
            f"{label:26} {int(pages):>7} {wall:>7.2f} {rate[label]:>8.0f} {cpu:>7.2f}"
            f" {cpu / wall if wall else 0:>6.2f} {pages / cpu if cpu else 0:>11.0f}"
            f" {float(row['peak_mb']):>8.1f} {row['load']!s:>5}"  # type: ignore[arg-type]
            f" {float(row['nginx_cpu']):>7.2f} {float(row['other_cpu']):>7.2f}"  # type: ignore[arg-type]
            f" {float(row['steal']):>7.2f}" + (f"  {row['note']}" if "note" in row else "")  # type: ignore[arg-type]
        )
    one, two = rate.get("govwatch 1 process", 0.0), rate.get("govwatch 2 processes", 0.0)
    print("\n(cores = CPU s / wall s of the tool's process tree; load = 1-min load average")
    print(" before the run; nginx s = the server's CPU; other s = CPU used meanwhile by processes")
    print(" outside the benchmark: on a shared machine the second process only helps if a core")
    print(" is free, so only rows with other s near 0 show the tool's own speed)")
    if one:
        print(f"2 processes / 1 process: {two / one:.2f}x (fastest run of each mode)")
    singles, doubles = runs.get("govwatch 1 process", []), runs.get("govwatch 2 processes", [])
    if len(singles) > 1:
        paired = sorted(b / a for a, b in zip(singles, doubles, strict=False) if a)
        print(
            f"every run, pages/s: 1 process {', '.join(f'{r:.0f}' for r in singles)};"
            f" 2 processes {', '.join(f'{r:.0f}' for r in doubles)};"
            f" paired 2/1 ratios {', '.join(f'{r:.2f}' for r in paired)},"
            f" median {paired[len(paired) // 2]:.2f}x"
        )
    for other in ("scrapy (plain Spider)", "linkchecker (site0)"):
        if rate.get(other):
            print(
                f"govwatch 2 processes / {other}: {two / rate[other]:.1f}x "
                f"(1 process: {one / rate[other]:.1f}x)"
            )
    for label in ("govwatch 1 process", "govwatch 2 processes"):
        if label in rows:
            print(f"{label}: {rows[label]['detail']}")


if __name__ == "__main__":
    main()
