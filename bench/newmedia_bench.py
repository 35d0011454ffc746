"""Benchmark of the new-media engine: ingest 1,000,000 posts and compute activity.

    .venv/bin/python bench/newmedia_bench.py [--accounts 10000] [--posts 100] [--naive-sample 500]

1. Generates a platform export csv (账号, 平台, 发布时间, 标题, 链接, 原创/转发, 文章ID) with
   ``accounts × posts`` rows, about 1 % of them repeated rows (a re-export), half the posts
   with a platform id and half identified by URL + time only.
2. Ingest: streams the csv row by row into ``Post`` values (platform and time parsed as
   the importer parses them), dedupes by ``Post.dedupe_key`` and files each new post into
   an ``ActivityIndex`` (parse + dedupe + index, one pass).
3. Activity for every account over a 91-day window under Kaifeng's per-platform rules.
4. Baseline in the same run: the naive way (per account, per day, rescan the account's
   post list for the daily count, the rolling week and the compliance window), timed on
   a sample of accounts and compared per account; its figures are checked against ours.
5. Peak memory: ru_maxrss of the process after each stage.
Prints figures only; nothing is asserted beyond the baseline agreeing with the engine.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govwatch.engine.clock import BEIJING  # noqa: E402
from govwatch.engine.newmedia.activity import (  # noqa: E402
    Activity,
    ActivityIndex,
    ActivityRule,
    Window,
)
from govwatch.engine.newmedia.adapters.base import Post, normalize_platform  # noqa: E402
from govwatch.engine.newmedia.dates import parse_post_time  # noqa: E402

PLATFORMS = [("微信公众号", 2), ("新浪微博", 2), ("抖音", 1), ("头条", 1)]
WINDOW = Window(date(2024, 1, 1), date(2024, 3, 31))
RULES = {"微信公众号": ActivityRule(7, 2), "新浪微博": ActivityRule(7, 2)}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, accounts: int, posts: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    start = datetime(2023, 12, 1, tzinfo=BEIJING)
    span_minutes = 130 * 24 * 60
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["账号", "平台", "发布时间", "标题", "链接", "原创/转发", "文章ID"])
        for a in range(accounts):
            name = f"政务账号{a:05d}"
            platform = PLATFORMS[a % len(PLATFORMS)][0]
            for p in range(posts):
                when = start + timedelta(minutes=rng.randrange(span_minutes))
                post_id = f"{a:05d}-{p:03d}" if p % 2 else ""
                row = [
                    name,
                    platform,
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    f"工作动态第{p}期",
                    f"https://mp.example.cn/{a}/{p}",
                    "原创" if p % 3 else "转发",
                    post_id,
                ]
                writer.writerow(row)
                rows += 1
                if rng.random() < 0.01:  # the same post exported again
                    writer.writerow(row)
                    rows += 1
    return rows


def ingest(path: Path) -> tuple[ActivityIndex, dict[str, str], int, int]:
    index = ActivityIndex()
    platform_of: dict[str, str] = {}
    seen: set[str] = set()
    new = dup = 0
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for account, platform_zh, when, title, url, original, post_id in rows:
            platform, published = normalize_platform(platform_zh), parse_post_time(when)
            if platform is None or published is None:
                raise SystemExit(f"rejected: {account} {platform_zh} {when}")
            made = Post(account, platform, published, title, "", url, post_id, original == "原创")
            key = made.dedupe_key
            if key in seen:
                dup += 1
                continue
            seen.add(key)
            new += 1
            index.add(made.account_id, made.published_at)
            platform_of.setdefault(made.account_id, made.platform)
    return index, platform_of, new, dup


def naive(posts: tuple[datetime, ...], window: Window, rule: ActivityRule) -> tuple[object, ...]:
    """Per day, rescan the list: what one writes first, O(days × posts) per account."""
    days = [window.start + timedelta(days=i) for i in range(window.days)]
    local = [p.astimezone(BEIJING).date() for p in posts]
    daily = tuple(sum(1 for p in local if p == day) for day in days)
    week = tuple(sum(1 for p in local if day - timedelta(days=6) <= p <= day) for day in days)
    span = timedelta(days=rule.window_days - 1)
    bad = sum(1 for day in days if sum(1 for p in local if day - span <= p <= day) < rule.min_posts)
    best = run = 0
    for count in daily:
        run = run + 1 if count == 0 else 0
        best = max(best, run)
    return daily, week, bad, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--naive-sample", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        t0 = time.perf_counter()
        rows = generate(path, args.accounts, args.posts)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        base_mb = peak_mb()

        t0 = time.perf_counter()
        index, platform_of, new, dup = ingest(path)
        ingest_s = time.perf_counter() - t0
    print(
        f"ingest (parse + dedupe + index): {ingest_s:.2f} s, {rows / ingest_s:,.0f} rows/s; "
        f"{new:,} new, {dup:,} duplicates dropped; peak RSS {peak_mb():.0f} MB "
        f"(+{peak_mb() - base_mb:.0f} MB over generation)"
    )

    platform_zh = {"wechat": "微信公众号", "weibo": "新浪微博", "douyin": "抖音", "toutiao": "头条"}
    default = ActivityRule(7, 1)
    rules = {a: RULES.get(platform_zh[p], default) for a, p in platform_of.items()}
    t0 = time.perf_counter()
    result: dict[str, Activity] = index.compute(WINDOW, default, rules=rules)
    ours_s = time.perf_counter() - t0
    per_account_ours = ours_s / len(result)
    print(
        f"activity ({WINDOW.days} days) for {len(result):,} accounts: {ours_s:.2f} s "
        f"({per_account_ours * 1e6:.0f} µs/account); peak RSS {peak_mb():.0f} MB"
    )

    sample = list(result)[: args.naive_sample]
    t0 = time.perf_counter()
    for account_id in sample:
        expected = naive(index.posts_of(account_id), WINDOW, rules[account_id])
        got = result[account_id]
        mine = (got.daily_counts, got.rolling_week, got.noncompliant_days, got.longest_gap_days)
        if mine != expected:
            raise SystemExit(f"baseline disagrees on {account_id}")
    naive_s = time.perf_counter() - t0
    per_account_naive = naive_s / len(sample)
    print(
        f"naive baseline on {len(sample):,} accounts: {naive_s:.2f} s "
        f"({per_account_naive * 1e6:.0f} µs/account, all figures agree); "
        f"extrapolated to {len(result):,} accounts: {per_account_naive * len(result):.1f} s"
    )
    print(f"ratio naive/engine per account: {per_account_naive / per_account_ours:.1f}x")
    noncompliant = sum(1 for a in result.values() if a.noncompliant_days)
    print(f"accounts with 不达标天数 > 0: {noncompliant:,}")


if __name__ == "__main__":
    main()
