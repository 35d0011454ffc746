"""govwatch scheduler: fires the schedules kept in the database and sends their jobs to
the Celery workers (needs CELERY_BROKER_URL). It plays Celery beat's part, reading the
schedule an office edits in the admin; running two of them never fires a job twice."""

from __future__ import annotations

import argparse
import signal
import threading

from govwatch.cli.base import EXIT_OK, CommandError, database_ready


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(
        verb, help="计划调度：按监测计划向 Celery 工作进程派发任务（需设置 CELERY_BROKER_URL）"
    )
    parser.add_argument("--tick", type=float, default=5.0, help="检查到期计划的间隔秒数（默认 5）")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    database_ready()
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        raise CommandError(
            "未设置 CELERY_BROKER_URL（如 redis://127.0.0.1:6379/0）：单机请用 govwatch run"
        )
    from govwatch.web.monitoring.services import celery_scheduler_create

    scheduler = celery_scheduler_create(args.tick, lambda line: print(line, flush=True))
    scheduler.start_up()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print("计划调度已启动（Ctrl-C 停止）", flush=True)
    scheduler.run(stop)
    print("计划调度已停止", flush=True)
    return EXIT_OK
