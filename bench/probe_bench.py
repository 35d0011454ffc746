"""Availability probe rounds at scale: `probe_round` over thousands of loopback hosts,
against plain aiohttp and a sequential urllib loop over the same endpoints.

    .venv/bin/python bench/probe_bench.py [--hosts 5000] [--concurrency 500 [100 1000 ...]]
        [--repeat 3] [--server auto|nginx|aiohttp] [--nginx-workers 1] [--timeout 15]
        [--no-urllib] [--cprofile]

Gives HOSTS distinct gov.cn names (www.p00001.gov.cn ...) a small static home page (~2 KB)
served on loopback by its own nginx (config in a temp dir), or, without nginx, by an
aiohttp server in a separate process; every 50th host answers 503 and every 1000th (from
the 7th) maps to a closed port (refused). The names reach the server through
FetchConfig(host_map=..., allow_hosts=("127.0.0.0/8",)).

Each round runs in a child process (`probe_round_sync(targets, fetch, timeout,
concurrency)`, imports done before the clock starts) while this process samples the RSS
and open file descriptors of the child every 50 ms. Per round: probes/s (probes / the
round's own elapsed time), CPU milliseconds per probe (user + sys of the prober process,
all its threads, over the round), peak RSS (MB, whole process: interpreter and imports
included), peak open fds, nginx's CPU seconds, and the failures by outcome. Rounds
repeat REPEAT times per concurrency, alternating the tools; each row keeps its fastest
round (best of N: the same work on a shared 2-core host only ever gets slower).

Baselines in the same run, same endpoints, same names: "aiohttp plain", one
ClientSession with default settings (a resolver that reads the same host map; the
connector's limit raised to the semaphore's CONCURRENCY, since its default of 100 would
cap it), asyncio.gather over a semaphore, body read, status classified; and "urllib
sequential", one `urllib.request.urlopen` after the other (the IP in the URL, the name in
the Host header). Prints govwatch / baseline ratios and the goal (>= 1,000 probes/s per
process, < 200 MB) as figures only: nothing here asserts a timing. --cprofile adds one
profiled govwatch round and prints its top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scan_bench import (  # noqa: E402
    _busy_seconds,
    _free_ports,
    _process_cpu,
    _tree_rss_kb,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
ALLOW = ("127.0.0.0/8",)
TOOLS = ("govwatch", "aiohttp plain", "urllib sequential")

HOME_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="基准县人民政府"><meta name="SiteDomain" content="gov.cn">
<meta name="SiteIDCode" content="4400000001"><title>基准县人民政府门户网站</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="/zcwj/">政策文件</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></div>
<ul class="news">
{items}
</ul>
<p>主办单位：基准县人民政府办公室 网站标识码：4400000001 豫ICP备00000001号</p>
</body></html>
"""


def home_page() -> bytes:
    items = "\n".join(
        f'<li><a href="/zwgk/202407/t20240701_{n}.html">关于做好第{n}项重点工作的通知</a>'
        f"<span>2024-07-0{n % 9 + 1}</span></li>"
        for n in range(12)
    )
    return HOME_PAGE.format(items=items).encode("utf-8")


# --- servers ---------------------------------------------------------------------------


def _nginx_binary() -> str | None:
    # nginx usually lives in an sbin directory that a non-login PATH may lack.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("nginx", path=search)


def _wait_ports(proc: subprocess.Popen[bytes], ports: Sequence[int], what: str) -> None:
    deadline = time.monotonic() + 20
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{what} did not start") from None
                time.sleep(0.05)


def start_server(
    tmp: Path,
    servers: Sequence[tuple[int, Path | None]],
    kind: str = "auto",
    workers: int = 1,
) -> tuple[subprocess.Popen[bytes], str]:
    """Serve each (port, root) of SERVERS on 127.0.0.1: the files under root (a folder's
    index.html), or 503 to every request when root is None. nginx (KIND "auto" or "nginx")
    with WORKERS worker processes and its config in TMP, else an aiohttp server in a
    separate process. Returns the server process and a label saying which was used."""
    nginx = _nginx_binary() if kind in ("auto", "nginx") else None
    if kind == "nginx" and nginx is None:
        raise SystemExit("nginx not found: apt-get install nginx-light")
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user when started by root
    ports = [port for port, _ in servers]
    if nginx is None:
        spec = tmp / "serve.json"
        spec.write_text(json.dumps([[port, str(root) if root else None] for port, root in servers]))
        proc = subprocess.Popen([PYTHON, str(Path(__file__).resolve()), "--serve", str(spec)])
        _wait_ports(proc, ports, "the aiohttp server")
        return proc, "aiohttp server (1 process" + ("; nginx not found)" if kind == "auto" else ")")
    blocks = []
    for port, root in servers:
        where = f"root {root};" if root else "location / { return 503; }"
        blocks.append(f"  server {{ listen 127.0.0.1:{port} backlog=4096; {where} }}")
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if nofile == resource.RLIM_INFINITY else min(nofile, 65536)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes {workers};\ndaemon off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'};\nworker_rlimit_nofile {nofile};\n"
        f"events {{ worker_connections {max(1024, nofile - 100)}; }}\n"
        "http {\n  access_log off;\n"
        "  types { text/html html; application/pdf pdf; image/png png; }\n"
        "  default_type application/octet-stream;\n  sendfile on;\n"
        "  keepalive_requests 1000000;\n"
        f"  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
        + "\n".join(blocks)
        + "\n}\n"
    )
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "e.log")])
    _wait_ports(proc, ports, "nginx")
    return proc, f"nginx ({workers} worker process{'es' if workers > 1 else ''})"


def serve(spec: Path) -> None:
    """The fallback server: aiohttp, one process, every (port, root) of SPEC."""
    from aiohttp import web

    roots = {
        int(port): Path(root).resolve() if root else None
        for port, root in json.loads(spec.read_text())
    }

    async def handle(request: web.Request) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        root = roots.get(int(sockname[1])) if sockname else None
        if root is None:
            return web.Response(status=503, text="503 Service Temporarily Unavailable")
        path = (root / request.path.lstrip("/")).resolve()
        if not path.is_relative_to(root):
            return web.Response(status=404)
        if path.is_dir():
            if not request.path.endswith("/"):
                raise web.HTTPMovedPermanently(request.path + "/")
            path = path / "index.html"
        if not path.is_file():
            return web.Response(status=404, text="404 Not Found")
        return web.FileResponse(path)

    async def main() -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for port in roots:
            await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the probers (child processes) -----------------------------------------------------


def _child(tool: str, spec_file: Path, concurrency: int, timeout: float, profile: bool) -> None:
    spec = json.loads(spec_file.read_text())
    targets = [(int(key), url) for key, url in spec["targets"]]
    host_map = {name: target for name, target in spec["host_map"]}
    if tool == "govwatch":
        from govwatch.engine.fetch.types import FetchConfig
        from govwatch.engine.monitoring.probes import probe_round_sync

        fetch = FetchConfig(host_map=tuple(host_map.items()), allow_hosts=ALLOW)

        def run() -> tuple[int, Counter[str]]:
            probes, _ = probe_round_sync(targets, fetch, timeout, concurrency)
            return len(probes), Counter(p.outcome for _, p in probes)

    elif tool == "aiohttp plain":
        import aiohttp  # noqa: F401  (imported before the clock starts)

        def run() -> tuple[int, Counter[str]]:
            return asyncio.run(_aiohttp_round(targets, host_map, concurrency, timeout))

    else:

        def run() -> tuple[int, Counter[str]]:
            return _urllib_round(targets, host_map, timeout)

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        probes, outcomes = profiler.runcall(run)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(18)
        stats.sort_stats("cumulative").print_stats(18)
    else:
        probes, outcomes = run()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    info = {
        "probes": probes,
        "outcomes": dict(outcomes),
        "wall": wall,
        "cpu": cpu,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
        "maxrss_kb": after.ru_maxrss,
    }
    print(json.dumps(info))


async def _aiohttp_round(
    targets: Sequence[tuple[int, str]], host_map: dict[str, str], concurrency: int, timeout: float
) -> tuple[int, Counter[str]]:
    import aiohttp
    from aiohttp.abc import AbstractResolver, ResolveResult

    class MapResolver(AbstractResolver):
        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            ip, _, mapped = host_map[host].partition(":")
            return [
                {
                    "hostname": host,
                    "host": ip,
                    "port": int(mapped),
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]

        async def close(self) -> None:
            return None

    outcomes: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, resolver=MapResolver())
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:

        async def one(url: str) -> None:
            async with gate:
                try:
                    async with session.get(url) as resp:
                        await resp.read()
                        status = resp.status
                    outcome = "ok" if status < 400 else "server_error" if status >= 500 else "error"
                except aiohttp.ClientConnectorError:
                    outcome = "refused"
                except TimeoutError:
                    outcome = "timeout"
                except aiohttp.ClientError:
                    outcome = "error"
                outcomes[outcome] += 1

        await asyncio.gather(*(one(url) for _, url in targets))
    return sum(outcomes.values()), outcomes


def _urllib_round(
    targets: Sequence[tuple[int, str]], host_map: dict[str, str], timeout: float
) -> tuple[int, Counter[str]]:
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    outcomes: Counter[str] = Counter()
    for _, url in targets:
        parts = urlsplit(url)
        host = parts.hostname or ""
        request = urllib.request.Request(
            f"http://{host_map[host]}{parts.path or '/'}", headers={"Host": host}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                resp.read()
            outcome = "ok"
        except urllib.error.HTTPError as exc:
            outcome = "server_error" if exc.code >= 500 else "error"
        except urllib.error.URLError as exc:
            outcome = "refused" if isinstance(exc.reason, ConnectionRefusedError) else "error"
        except TimeoutError:
            outcome = "timeout"
        outcomes[outcome] += 1
    return sum(outcomes.values()), outcomes


# --- measuring -------------------------------------------------------------------------


def _fd_count(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def measure(
    tool: str, spec: Path, concurrency: int, timeout: float, server: int, profile: bool = False
) -> dict[str, Any]:
    """One round of TOOL in a child process, sampled from here."""
    cmd = [PYTHON, str(Path(__file__).resolve()), "--child", tool, str(spec)]
    cmd += ["--concurrency", str(concurrency), "--timeout", str(timeout)]
    if profile:
        cmd.append("--profile")
    server_before = _process_cpu(server)
    busy_before = _busy_seconds()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    peak_kb = peak_fds = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_kb, peak_fds
        while not stop.is_set():
            peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
            peak_fds = max(peak_fds, _fd_count(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    busy = _busy_seconds() - busy_before
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-4000:])
        raise SystemExit(f"{tool} child exited {proc.returncode}")
    info: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    server_cpu = _process_cpu(server) - server_before
    info.update(
        tool=tool,
        other_cpu=max(0.0, busy - child_cpu - server_cpu),
        concurrency=concurrency,
        peak_mb=max(peak_kb, info["maxrss_kb"]) / 1024,
        peak_fds=peak_fds,
        server_cpu=server_cpu,
        rate=info["probes"] / info["wall"] if info["wall"] else 0.0,
        profile=err.decode(errors="replace") if profile else "",
    )
    return info


def build_targets(
    tmp: Path, hosts: int, ok_port: int, error_port: int, closed_port: int
) -> tuple[Path, Counter[str]]:
    """The spec file of the children: targets and host map; and the planned outcomes."""
    targets, host_map = [], []
    planned: Counter[str] = Counter()
    for key in range(1, hosts + 1):
        name = f"www.p{key:05d}.gov.cn"
        if key % 1000 == 7:
            port, planned["refused"] = closed_port, planned["refused"] + 1
        elif key % 50 == 0:
            port, planned["server_error"] = error_port, planned["server_error"] + 1
        else:
            port, planned["ok"] = ok_port, planned["ok"] + 1
        targets.append([key, f"http://{name}/"])
        host_map.append([name, f"127.0.0.1:{port}"])
    spec = tmp / "targets.json"
    spec.write_text(json.dumps({"targets": targets, "host_map": host_map}))
    return spec, planned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=5000, help="distinct host names")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[500], help="one or more, e.g. 100 500 1000"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds per tool and concurrency")
    parser.add_argument("--timeout", type=float, default=15.0, help="per probe (W-V2: 15 s)")
    parser.add_argument("--server", choices=("auto", "nginx", "aiohttp"), default="auto")
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--no-urllib", action="store_true", help="skip the sequential baseline")
    parser.add_argument("--cprofile", action="store_true", help="add one profiled round")
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "SPEC"), help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)
    if args.child:
        tool, spec = args.child
        return _child(tool, Path(spec), args.concurrency[0], args.timeout, args.profile)

    tmp = Path(tempfile.mkdtemp(prefix="govwatch-probe-bench-"))
    www = tmp / "www"
    www.mkdir()
    page = home_page()
    (www / "index.html").write_bytes(page)
    ok_port, error_port, closed_port = _free_ports(3)
    spec, planned = build_targets(tmp, args.hosts, ok_port, error_port, closed_port)
    server, label = start_server(
        tmp, [(ok_port, www), (error_port, None)], args.server, args.nginx_workers
    )
    print(f"probe bench: {args.hosts} hosts, home page {len(page)} bytes, server: {label}")
    print(f"  planned outcomes: {dict(planned)}; cores: {os.cpu_count()}; repeat: {args.repeat}")
    runs: list[dict[str, Any]] = []
    profile = ""
    try:
        for number in range(max(1, args.repeat)):
            for index, concurrency in enumerate(args.concurrency):
                tools = ["govwatch", "aiohttp plain"]
                if index == 0 and not args.no_urllib:
                    tools.append("urllib sequential")  # sequential: concurrency is moot
                for tool in tools:
                    run = measure(tool, spec, concurrency, args.timeout, server.pid)
                    run["number"] = number
                    runs.append(run)
                    _print_run(run)
        if args.cprofile:
            run = measure("govwatch", spec, args.concurrency[0], args.timeout, server.pid, True)
            profile = run["profile"]
            print(f"\nprofiled round: {run['rate']:.0f} probes/s under cProfile")
    finally:
        server.terminate()
        server.wait(10)
    _report(runs, args.concurrency)
    if profile:
        print("\ncProfile of one govwatch round (child process):")
        print("\n".join(line for line in profile.splitlines() if line.strip())[:12000])
    shutil.rmtree(tmp, ignore_errors=True)


def _print_run(run: dict[str, Any]) -> None:
    print(
        f"  round {run['number'] + 1} {run['tool']:18} c={run['concurrency']:<5}"
        f" {run['probes']:>6} probes {run['wall']:>6.2f} s {run['rate']:>7.0f}/s"
        f" cpu {run['cpu']:>5.2f} s  peak {run['peak_mb']:>6.1f} MB  fds {run['peak_fds']:>5}"
        f"  {dict(sorted(run['outcomes'].items()))}",
        flush=True,
    )


def _report(runs: list[dict[str, Any]], concurrencies: list[int]) -> None:
    print(
        f"\n{'tool':18} {'conc':>5} {'probes':>6} {'best/s':>7} {'median/s':>8}"
        f" {'CPU ms/probe':>12} {'probes/CPU-s':>12} {'peak MB':>8} {'peak fds':>8}"
        f" {'server s':>8} {'other s':>7}  failures by outcome"
    )
    best: dict[tuple[str, int], dict[str, Any]] = {}
    rates: dict[tuple[str, int], list[float]] = {}
    for run in runs:
        key = (run["tool"], run["concurrency"])
        rates.setdefault(key, []).append(run["rate"])
        if key not in best or run["rate"] > best[key]["rate"]:
            best[key] = run
    for (tool, concurrency), run in best.items():
        failures = {k: v for k, v in sorted(run["outcomes"].items()) if k != "ok"}
        shown = "-" if tool == "urllib sequential" else str(concurrency)
        print(
            f"{tool:18} {shown:>5} {run['probes']:>6} {run['rate']:>7.0f}"
            f" {statistics.median(rates[tool, concurrency]):>8.0f}"
            f" {1000 * run['cpu'] / run['probes']:>12.3f} {run['probes'] / run['cpu']:>12.0f}"
            f" {run['peak_mb']:>8.1f} {run['peak_fds']:>8} {run['server_cpu']:>8.2f}"
            f" {run['other_cpu']:>7.2f}  {failures}"
        )
    print("\n(best/s: the fastest round of each row; CPU: user + sys of the prober process over")
    print(" the round; peak MB: RSS of the prober process, interpreter and imports included;")
    print(" server s: CPU seconds of the HTTP server over the round; other s: CPU that processes")
    print(
        " outside the benchmark used meanwhile, child start-up included: near 0 on a quiet machine)"
    )
    urllib_runs = [r for r in runs if r["tool"] == "urllib sequential"]
    for concurrency in concurrencies:
        ours = best.get(("govwatch", concurrency))
        plain = best.get(("aiohttp plain", concurrency))
        if ours is None or plain is None:
            continue
        paired = sorted(
            a["rate"] / b["rate"]
            for a in runs
            for b in runs
            if a["tool"] == "govwatch"
            and b["tool"] == "aiohttp plain"
            and a["concurrency"] == b["concurrency"] == concurrency
            and a["number"] == b["number"]
        )
        print(
            f"c={concurrency}: govwatch / aiohttp plain: {ours['rate'] / plain['rate']:.2f}x"
            f" probes/s (best of each; paired rounds {', '.join(f'{r:.2f}' for r in paired)}),"
            f" CPU per probe {ours['cpu'] / ours['probes'] / (plain['cpu'] / plain['probes']):.2f}x"
        )
        if urllib_runs:
            fastest = max(r["rate"] for r in urllib_runs)
            print(f"c={concurrency}: govwatch / urllib sequential: {ours['rate'] / fastest:.1f}x")
        print(
            f"c={concurrency}: goal >= 1,000 probes/s per process: {ours['rate']:.0f}"
            f" ({'met' if ours['rate'] >= 1000 else 'not met'});"
            f" goal < 200 MB: {ours['peak_mb']:.1f} MB"
            f" ({'met' if ours['peak_mb'] < 200 else 'not met'})"
        )
    for key, values in rates.items():
        print(f"every round, {key[0]} c={key[1]}: {', '.join(f'{v:.0f}' for v in values)} probes/s")


if __name__ == "__main__":
    main()
