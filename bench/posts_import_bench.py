"""Bench: import a platform export of many posts into the database, then observe every account.

    .venv/bin/python bench/posts_import_bench.py [--posts 1000000] [--accounts 10000]

Runs on a fresh SQLite file in a temporary data directory unless DATABASE_URL is set
(then on that database, which should be a throw-away one). It generates a csv export
(GBK-free UTF-8, one row per post, about 1 % repeated rows), imports it with
``posts_import``, re-imports a slice to show the duplicates path, and computes
``account_observations`` for all accounts. The naive baseline, in the same run, imports a
sample row by row the way a first version would (look the account up, check the key, one
ORM create per row) and reads posts account by account; both are extrapolated.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PLATFORMS = [
    ("wechat_official_account", "微信公众号"),
    ("sina_weibo", "新浪微博"),
    ("douyin", "抖音"),
    ("toutiao", "今日头条"),
]
HEADERS = ["平台", "账号名称", "发布时间", "标题", "链接", "原创/转发"]
POINT_DAY = dt.date(2024, 3, 31)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def setup(data_dir: Path) -> None:
    # Always a throw-away SQLite file (unless DATABASE_URL names another database).
    os.environ["GOVWATCH_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_accounts(count: int) -> list[tuple[str, str]]:
    from govwatch.web.registry.models import Account, Unit

    unit, _ = Unit.objects.get_or_create(
        name="基准测试单位", defaults={"level": "prefecture", "kind": "department"}
    )
    existing = Account.objects.filter(opening_unit=unit).count()
    rows = [
        Account(
            platform=PLATFORMS[i % len(PLATFORMS)][0],
            name=f"基准账号{i:06d}",
            opening_unit=unit,
            status="running",
            ingestion_source="export_file",
        )
        for i in range(existing, count)
    ]
    Account.objects.bulk_create(rows, batch_size=2000)
    return [(PLATFORMS[i % len(PLATFORMS)][1], f"基准账号{i:06d}") for i in range(count)]


def write_export(path: Path, accounts: list[tuple[str, str]], posts: int, seed: int) -> int:
    """``posts`` rows spread over 91 days, ~1 % of them repeated; returns the rows written."""
    rng = random.Random(seed)
    per_account = max(1, posts // len(accounts))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n, (platform, name) in enumerate(accounts):
            for k in range(per_account):
                day = POINT_DAY - dt.timedelta(days=rng.randrange(91))
                stamp = f"{day:%Y-%m-%d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
                row = [
                    platform,
                    name,
                    stamp,
                    f"工作动态第{k}期",
                    f"https://mp.example.cn/{n}/{k}",
                    "原创",
                ]
                writer.writerow(row)
                written += 1
                if rng.random() < 0.01:
                    writer.writerow(row)
                    written += 1
    return written


def naive_import(path: Path, sample: int) -> float:
    """Seconds per row for the obvious version: lookups and one ORM create per row."""
    from govwatch.engine.newmedia.adapters.base import Post as EnginePost
    from govwatch.engine.newmedia.dates import parse_post_time
    from govwatch.web.newmedia.models import Post
    from govwatch.web.registry.models import Account

    labels = dict((label, code) for code, label in PLATFORMS)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [row for _, row in zip(range(sample), reader, strict=False)]
    created: list[int] = []
    started = time.perf_counter()
    for platform, name, stamp, title, url, _original in rows:
        account = Account.objects.get(platform=labels[platform], name=name)
        published = parse_post_time(stamp)
        assert published is not None
        key = "naive:" + EnginePost(str(account.pk), "wechat", published, title, "", url).dedupe_key
        if not Post.objects.filter(account=account, dedupe_key=key).exists():
            post = Post.objects.create(
                account=account, published_at=published, title=title, url=url,
                source_kind="export", dedupe_key=key,
            )  # fmt: skip
            created.append(post.pk)
    elapsed = time.perf_counter() - started
    Post.objects.filter(pk__in=created).delete()
    return elapsed / len(rows)


def naive_observations(point: dt.datetime, sample: int) -> float:
    """Seconds per account when each account's posts are read with its own query."""
    from govwatch.engine.newmedia.observe import account_observation
    from govwatch.web.newmedia.selectors import account_meta
    from govwatch.web.registry.models import Account

    accounts = list(Account.objects.select_related("supervising_unit", "opening_unit")[:sample])
    started = time.perf_counter()
    for account in accounts:
        times = list(
            account.posts.filter(published_at__lte=point).values_list("published_at", flat=True)
        )
        account_observation(account_meta(account), times)
    return (time.perf_counter() - started) / len(accounts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=2000, help="naive baseline rows")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gw-posts-bench-") as tmp:
        work = Path(tmp)
        setup(work / "var")
        from django.conf import settings

        from govwatch.engine.clock import BEIJING
        from govwatch.web.newmedia.models import Post
        from govwatch.web.newmedia.services import account_observations, posts_import

        print(f"数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        t0 = time.perf_counter()
        accounts = make_accounts(args.accounts)
        export = work / "export.csv"
        rows = write_export(export, accounts, args.posts, seed=7)
        size_mb = export.stat().st_size / 1e6
        print(
            f"生成：{len(accounts)} 个账号，{rows} 行（{size_mb:.0f} MB），{time.perf_counter() - t0:.1f} s"
        )

        t0 = time.perf_counter()
        report = posts_import(export)
        t_import = time.perf_counter() - t0
        print(
            f"导入：新增 {report.new}，重复 {report.duplicate}，{t_import:.1f} s"
            f"（{rows / t_import:,.0f} 行/秒），峰值内存 {peak_mb():.0f} MB"
        )
        assert Post.objects.count() == report.new

        part = work / "part.csv"
        with export.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
            for _, line in zip(range(100_001), src, strict=False):
                dst.write(line)
        t0 = time.perf_counter()
        again = posts_import(part)
        t_again = time.perf_counter() - t0
        print(f"重复导入前 10 万行：新增 {again.new}，重复 {again.duplicate}，{t_again:.1f} s")

        point = dt.datetime.combine(POINT_DAY, dt.time(18), tzinfo=BEIJING)
        t0 = time.perf_counter()
        observed = account_observations(point, POINT_DAY - dt.timedelta(days=90))
        t_obs = time.perf_counter() - t0
        known = sum(1 for _, o in observed if o.posts is not None)
        print(
            f"观测：{len(observed)} 个账号（{known} 个有发文记录），{t_obs:.1f} s，"
            f"峰值内存 {peak_mb():.0f} MB"
        )

        per_row = naive_import(export, args.sample)
        naive_total = per_row * rows
        print(
            f"朴素导入（{args.sample} 行样本，逐行查询 + 逐行 create）：{per_row * 1e6:,.0f} µs/行，"
            f"外推 {naive_total:,.0f} s；倍数 {naive_total / t_import:.1f}×"
        )
        per_account = naive_observations(point, min(500, len(accounts)))
        naive_obs = per_account * len(accounts)
        print(
            f"朴素观测（逐账号查询）：{per_account * 1e3:.1f} ms/账号，外推 {naive_obs:.1f} s；"
            f"倍数 {naive_obs / t_obs:.1f}×"
        )
        print(f"整个进程峰值内存：{peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
