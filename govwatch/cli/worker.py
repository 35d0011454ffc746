"""govwatch worker: a Celery worker for distributed scans (needs CELERY_BROKER_URL)."""

from __future__ import annotations

import argparse
import os

from govwatch.cli.base import CommandError, setup_django


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(
        verb, help="启动分布式扫描的 Celery 工作进程（需设置 CELERY_BROKER_URL）"
    )
    parser.add_argument(
        "--concurrency", type=int, help="并行进程数（默认每个 CPU 核一个，每个进程一次扫一个网站）"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        raise CommandError(
            "未设置 CELERY_BROKER_URL（如 redis://127.0.0.1:6379/0）：单机模式下无需 worker"
        )
    from govwatch.web.config.celery import app

    concurrency = args.concurrency or os.cpu_count() or 1
    app.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO"])
    return 0
