"""Benchmark: the hourly feed fetch of new-media accounts (`posts_fetch`), for the capacity
model "hourly feeds for 100,000 accounts → cores needed".

Run:  .venv/bin/python bench/feeds_bench.py [--accounts 2000] [--items 20] [--concurrency 64]
      [--database-url postgres://...]   (default: SQLite in a temporary data folder)

1. Creates ACCOUNTS running feed accounts (采集方式 订阅源; WeChat, Weibo, Douyin and
   Toutiao in turn) in a temporary database, each with its feed on its own host name
   (http://f00001.feeds.gov.cn/rss.xml …), resolved to one loopback port through
   ``FetchConfig.host_map``. The feeds are served gzip-compressed by an aiohttp server in a
   separate process, so its CPU is not counted. Each is an RSS 2.0 document shaped like the
   demo farm's (demo/farm/feeds.py: title, link, guid = link, pubDate) plus the HTML
   description RSSHub routes carry, ITEMS recent items; one account in 50 has a post with
   the demo's planted expression error (「新疆自治区」) so the content checks find something.
2. Runs ``posts_fetch`` over all feed accounts twice, as the hourly ``feeds`` job calls it
   (govwatch/web/monitoring/jobs.py): the first run stores ITEMS new posts per account
   (content-checked on store) and one sighting, the second finds nothing new (the steady
   hourly state). Each prints wall time, accounts/s, this process's CPU (getrusage user +
   sys, split at the moment the last feed was parsed into fetch + parse and store), CPU ms
   per account, SQL statements per account and the peak RSS of the run (VmHWM, reset before
   each run where the kernel allows it).
3. Baseline in the same run: a plain loop that fetches the same feeds with aiohttp (one
   ClientSession, same concurrency, the same host names so no more connection reuse than
   the product gets) and parses them with xml.etree + email.utils (no storing), and the
   ratio of govwatch's CPU per account to it: what the fetch layer, the engine's parsing,
   storing and the content checks cost on top.
4. The projection: steady-state CPU per account × 100,000 accounts = CPU-seconds per hour,
   ÷ 3600 = cores. With SQLite the database work is in this process and counted; with
   PostgreSQL part of it moves to the database server and is not.

Prints figures only; nothing is asserted beyond every fetch succeeding.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing as mp
import os
import resource
import socket
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.farm.feeds import WRONG_TITLE  # noqa: E402
from govwatch.engine.clock import BEIJING  # noqa: E402

if TYPE_CHECKING:
    from govwatch.engine.fetch import FetchConfig

PROJECTED_ACCOUNTS = 100_000
# Registry platform code, and how RSSHub routes title the account's feed.
PLATFORMS = (
    ("wechat_official_account", "{name}"),
    ("sina_weibo", "{name}的微博"),
    ("douyin", "{name}的抖音"),
    ("toutiao", "{name} - 今日头条"),
)
SENTENCES = (
    "近日，市政府召开常务会议，研究部署优化营商环境、安全生产和防汛抗旱等工作。",
    "会议强调，要持续深化“放管服”改革，推动政务服务事项“一网通办”，切实提高群众和企业办事便利度。",
    "各县（区）、各部门要压紧压实安全生产责任，扎实开展重点行业领域隐患排查整治，坚决防范遏制重特大事故发生。",
    "市场监管部门将围绕食品药品安全、特种设备安全等重点领域，组织开展专项检查，检查结果将及时向社会公开。",
    "即日起至年底，全市开展住房公积金政策宣传月活动，市民可通过政务服务网、“我的城市”客户端查询办理。",
    "今年以来，我市累计新增城镇就业岗位一万二千余个，城镇登记失业率控制在目标以内，就业形势总体稳定。",
    "为进一步做好高温天气防暑降温工作，请广大市民合理安排出行，尽量避免在午后高温时段长时间户外活动。",
    "区委区政府主要负责同志深入田间地头，实地察看夏粮收购、高标准农田建设和农村人居环境整治情况。",
)


def host_name(number: int) -> str:
    return f"f{number:05d}.feeds.gov.cn"


def feed_url(number: int) -> str:
    return f"http://{host_name(number)}/rss.xml"


def account_name(number: int) -> str:
    return f"示范{number:05d}发布"


def feed_rss(number: int, items: int, now: datetime) -> bytes:
    """One account's RSS 2.0 feed: the demo farm's item shape plus an HTML description."""
    platform, title_shape = PLATFORMS[number % len(PLATFORMS)]
    name = account_name(number)
    entries = []
    for k in range(items):
        issue = 1000 - k  # newest first, as feeds list them
        moment = now - timedelta(hours=6 * k + number % 6, minutes=number % 60)
        title = f"{name}工作动态（第{issue}期）"
        if number % 50 == 0 and k == 3:
            title = WRONG_TITLE
        link = f"https://mp.example.cn/{platform}/{number:05d}/{issue}"
        paragraphs = "".join(
            f"<p>{SENTENCES[(number + k + j) % len(SENTENCES)]}</p>" for j in range(3)
        )
        description = (
            f'{paragraphs}<p><img src="https://mp.example.cn/img/{number}/{issue}.jpg"></p>'
        )
        entries.append(
            f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{format_datetime(moment)}</pubDate>"
            f"<description>{escape(description)}</description></item>"
        )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title_shape.format(name=name))}</title>"
        f"<link>https://mp.example.cn/{number:05d}</link>" + "".join(entries) + "</channel></rss>"
    )
    return body.encode("utf-8")


# ---------------------------------------------------------------- feed server (own process)


def serve(count: int, items: int, now: datetime, conn: Connection) -> None:
    """Serve every account's feed on a free port of 127.0.0.1 until told to stop.

    Commands on ``conn``: "cpu" → this process's CPU seconds so far; "stop".
    """
    from aiohttp import web

    plain = {host_name(n): feed_rss(n, items, now) for n in range(1, count + 1)}
    packed = {host: gzip.compress(body, 6) for host, body in plain.items()}

    async def handle(request: web.Request) -> web.Response:
        host = request.host.rsplit(":", 1)[0].lower()
        body = plain.get(host)
        if body is None:
            return web.Response(status=404, text="no such feed")
        content_type = "application/rss+xml; charset=utf-8"
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            headers = {"Content-Type": content_type, "Content-Encoding": "gzip"}
            return web.Response(body=packed[host], headers=headers)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/rss.xml", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        conn.send(runner.addresses[0][1])
        loop = asyncio.get_running_loop()
        while (await loop.run_in_executor(None, conn.recv)) != "stop":
            conn.send(cpu_seconds())
        await runner.cleanup()

    asyncio.run(main())


@contextmanager
def feed_server(count: int, items: int, now: datetime) -> Iterator[tuple[int, Connection]]:
    """(port, command connection) of the feed server process."""
    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=serve, args=(count, items, now, theirs), daemon=True)
    process.start()
    try:
        if not ours.poll(120):
            raise SystemExit("the feed server did not start")
        yield ours.recv(), ours
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()


# ---------------------------------------------------------------- measuring


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_reset() -> None:
    """Start a new RSS high-water mark (Linux ≥ 4.0; otherwise the peak is the process's)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _status_mb(field: str) -> float | None:
    with suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return None


def peak_mb() -> float:
    peak = _status_mb("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if peak is None else peak


def rss_mb() -> float:
    return _status_mb("VmRSS") or 0.0


@dataclass
class Measure:
    wall: float = 0.0
    cpu: float = 0.0
    start_mb: float = 0.0  # RSS when the run began
    peak_mb: float = 0.0
    server_cpu: float = 0.0
    fetched_wall: float = 0.0  # when the last feed was in (posts_fetch: before storing)
    fetched_cpu: float = 0.0


@contextmanager
def measured(server: Connection) -> Iterator[Measure]:
    out = Measure()
    server.send("cpu")
    server_start = server.recv()
    peak_reset()
    out.start_mb = rss_mb()
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield out
    out.wall, out.cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    out.peak_mb = peak_mb()
    server.send("cpu")
    out.server_cpu = server.recv() - server_start
    if out.fetched_wall:
        out.fetched_wall -= wall
        out.fetched_cpu -= cpu


def line(label: str, count: int, m: Measure) -> str:
    return (
        f"{label:<22} {m.wall:6.1f}s wall  {count / m.wall:7.0f} accounts/s  "
        f"CPU {m.cpu:6.2f}s = {m.cpu / count * 1000:6.2f} ms/account  peak RSS {m.peak_mb:4.0f} MB"
        f" ({m.peak_mb - m.start_mb:+.0f})  [feed server CPU {m.server_cpu:.2f}s]"
    )


# ---------------------------------------------------------------- govwatch: posts_fetch


def govwatch_run(
    label: str, count: int, now: datetime, config: FetchConfig, server: Connection
) -> float:
    """One posts_fetch over every running feed account; prints its figures, returns CPU s."""
    from django.db import connection

    from govwatch.web.newmedia.services import posts_fetch
    from govwatch.web.registry.models import Account

    accounts = Account.objects.filter(status="running", ingestion_source="feed")
    statements = 0

    def count_statements(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(*args)

    with measured(server) as m:

        def progress(done: int, total: int, account: object) -> None:
            if done == total:
                m.fetched_wall, m.fetched_cpu = time.perf_counter(), cpu_seconds()

        with connection.execute_wrapper(count_statements):
            report = posts_fetch(accounts, now=now, fetch=config, progress=progress)
    if report.ok != count:
        reasons = sorted({reason for _, reason in report.failures})[:5]
        raise SystemExit(f"{label}: {report.failed} of {report.accounts} fetches failed: {reasons}")
    print(line(label, count, m))
    print(
        f"{'':<22} new {report.new:,}  duplicate {report.duplicate:,}  rejected {report.rejected}"
        f"  |  fetch + parse {m.fetched_wall:5.1f}s wall, {m.fetched_cpu:6.2f}s CPU"
        f"  |  store {m.wall - m.fetched_wall:5.1f}s wall, {m.cpu - m.fetched_cpu:6.2f}s CPU"
        f"  |  {statements / count:.1f} SQL statements/account"
    )
    return m.cpu


# ---------------------------------------------------------------- baseline: aiohttp + xml.etree


def baseline_run(count: int, port: int, concurrency: int, server: Connection) -> float:
    import aiohttp
    from aiohttp.abc import AbstractResolver, ResolveResult

    class Loopback(AbstractResolver):
        async def resolve(
            self, host: str, port_: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            return [
                {
                    "hostname": host,
                    "host": "127.0.0.1",
                    "port": port,
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]

        async def close(self) -> None:
            pass

    def parse(body: bytes) -> int:
        root = ET.fromstring(body)
        posts = 0
        for item in root.iterfind("./channel/item"):
            fields = {child.tag: (child.text or "").strip() for child in item}
            parsedate_to_datetime(fields["pubDate"])
            posts += bool(fields.get("title") and fields.get("link"))
        return posts

    async def fetch_all() -> int:
        gate = asyncio.Semaphore(concurrency)
        connector = aiohttp.TCPConnector(limit=concurrency, resolver=Loopback(), ttl_dns_cache=300)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(url: str) -> int:
                async with gate, session.get(url) as response:
                    response.raise_for_status()
                    return parse(await response.read())

            tasks = [one(feed_url(n)) for n in range(1, count + 1)]
            return sum(await asyncio.gather(*tasks))

    with measured(server) as m:
        posts = asyncio.run(fetch_all())
    print(line("baseline aiohttp+etree", count, m))
    print(f"{'':<22} parsed {posts:,} items, stored nothing")
    return m.cpu


# ---------------------------------------------------------------- main


def accounts_create(count: int) -> None:
    from govwatch.web.registry.models import Account, Unit

    unit = Unit.objects.create(name="示范市人民政府办公室", level="prefecture", kind="department")
    Account.objects.bulk_create(
        (
            Account(
                platform=PLATFORMS[n % len(PLATFORMS)][0],
                name=account_name(n),
                opening_unit=unit,
                status="running",
                ingestion_source="feed",
                feed_url=feed_url(n),
            )
            for n in range(1, count + 1)
        ),
        batch_size=1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument(
        "--concurrency", type=int, default=64, help="fetches in flight (FetchConfig default: 64)"
    )
    parser.add_argument(
        "--database-url", default="", help="measure this database instead of a temporary SQLite"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="govwatch-feeds-bench-"))
    os.environ["GOVWATCH_DATA_DIR"] = str(workdir / "var")
    # Only the database named on the command line: never one the environment happens to set.
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["GOVWATCH_DEBUG"] = "0"  # DEBUG would keep every SQL statement in memory
    from govwatch.cli.base import database_ready

    database_ready()
    from django.conf import settings

    from govwatch.engine.fetch import FetchConfig
    from govwatch.engine.newmedia.content import post_text_hits

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine} ({workdir})")
    started = time.perf_counter()
    accounts_create(args.accounts)
    print(f"accounts: {args.accounts:,} feed accounts in {time.perf_counter() - started:.1f}s")

    # The content checker loads its lexicons once per process: a one-off, not per account.
    cpu = cpu_seconds()
    post_text_hits("示范发布工作动态", SENTENCES[0])
    print(f"content checker loaded once: {cpu_seconds() - cpu:.2f}s CPU (not in the runs below)")

    now = datetime.now(BEIJING).replace(minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    with feed_server(args.accounts, args.items, now) as (port, server):
        sample = len(gzip.compress(feed_rss(1, args.items, now), 6))
        print(
            f"feed server: separate process on 127.0.0.1:{port}, {args.accounts:,} RSS feeds × "
            f"{args.items} items (~{len(feed_rss(1, args.items, now)) // 1024} KB, "
            f"{sample // 1024} KB gzip), ready in {time.perf_counter() - started:.1f}s"
        )
        config = FetchConfig(
            allow_hosts=("127.0.0.0/8",),
            host_map=tuple(
                (host_name(n), f"127.0.0.1:{port}") for n in range(1, args.accounts + 1)
            ),
            global_concurrency=args.concurrency,
        )
        print(f"concurrency: {args.concurrency} fetches in flight, one host name per feed\n")
        first = govwatch_run("posts_fetch 1st (new)", args.accounts, now, config, server)
        later = now + timedelta(hours=1)
        steady = govwatch_run("posts_fetch 2nd (none)", args.accounts, later, config, server)
        base = baseline_run(args.accounts, port, args.concurrency, server)
    print(
        "(peak RSS in parentheses: over the RSS at the run's start; later runs reuse memory the"
        " 1st run freed, so their increase reads low)"
    )

    per_first, per_steady, per_base = (c / args.accounts * 1000 for c in (first, steady, base))
    print(
        f"\nCPU per account vs baseline ({per_base:.2f} ms): 1st run {per_first / per_base:.1f}×, "
        f"steady state {per_steady / per_base:.1f}×"
    )
    hourly = per_steady / 1000 * PROJECTED_ACCOUNTS
    print(
        f"projection, steady state: {per_steady:.2f} ms/account × {PROJECTED_ACCOUNTS:,} accounts"
        f" = {hourly:,.0f} CPU-s per hour → {hourly / 3600:.2f} cores"
    )
    worst = per_first / 1000 * PROJECTED_ACCOUNTS
    print(
        f"            every item new each hour (upper bound): {worst:,.0f} CPU-s per hour"
        f" → {worst / 3600:.2f} cores"
    )


if __name__ == "__main__":
    main()
