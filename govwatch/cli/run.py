"""govwatch run: the whole platform on one machine — the web app, the scheduler and a
pool of worker processes, started and stopped together (Ctrl-C or SIGTERM).

With CELERY_BROKER_URL set, the jobs go to Celery instead (`govwatch worker` processes on
any machine take them); this process then serves the web app and fires the schedules.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from types import FrameType

from govwatch.cli.base import EXIT_OK, count_arg, database_ready, port_arg
from govwatch.engine.fetch.types import FetchConfig


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="单机运行整个平台：网页、计划调度和工作进程（持续监测）")
    parser.add_argument("--host", help="监听地址（默认 127.0.0.1，见 GOVWATCH_SERVE_HOST）")
    parser.add_argument("--port", type=port_arg, help="端口（默认 8000，见 GOVWATCH_SERVE_PORT）")
    parser.add_argument(
        "--workers", type=count_arg, help="工作进程数（默认每个 CPU 核一个，见 GOVWATCH_WORKERS）"
    )
    parser.set_defaults(handler=run)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def watch_serve(
    host: str | None,
    port: int | None,
    workers: int | None = None,
    *,
    fetch: FetchConfig | None = None,
    tick: float = 5.0,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the web app with the watch beside it until Ctrl-C or SIGTERM."""
    database_ready()
    from django.conf import settings
    from waitress import create_server

    from govwatch.web.config.wsgi import application

    host = host or settings.GOVWATCH_SERVE_HOST
    port = port or settings.GOVWATCH_SERVE_PORT
    stop = threading.Event()
    if settings.CELERY_BROKER_URL:
        from govwatch.web.monitoring.services import celery_scheduler_create

        scheduler = celery_scheduler_create(tick, say)
        scheduler.start_up()
        runner = threading.Thread(target=scheduler.run, args=(stop,), daemon=True)
        runner.start()
        say(f"计划任务发往 Celery（{settings.CELERY_BROKER_URL}），由 govwatch worker 执行")
        watch = None
    else:
        from govwatch.web.monitoring.services import watch_create

        watch = watch_create(workers or settings.GOVWATCH_WORKERS, fetch=fetch, tick=tick, say=say)
        watch.start()
        say(f"持续监测已启动：{watch.workers} 个扫描工作进程，首轮可用性探测将在一分钟内开始")
    server = create_server(application, host=host, port=port, threads=8, ident="govwatch")
    previous = signal.signal(signal.SIGTERM, _interrupt)
    say(f"govwatch 已启动：http://{host}:{port}/admin/ （Ctrl-C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        say("正在停止：等待运行中的任务完成（最多30秒），未完成的下次启动时续做……")
        signal.signal(signal.SIGTERM, previous)
        server.close()
        stop.set()
        if watch is not None:
            watch.stop()
        say("govwatch 已停止")


def run(args: argparse.Namespace) -> int:
    watch_serve(args.host, args.port, args.workers)
    return EXIT_OK
