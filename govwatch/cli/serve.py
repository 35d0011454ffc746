"""govwatch serve: the web app (waitress, static files by whitenoise)."""

from __future__ import annotations

import argparse

from govwatch.cli.base import EXIT_OK, database_ready, port_arg


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="启动网页（管理后台）")
    parser.add_argument("--host", help="监听地址（默认 127.0.0.1，见 GOVWATCH_SERVE_HOST）")
    parser.add_argument("--port", type=port_arg, help="端口（默认 8000，见 GOVWATCH_SERVE_PORT）")
    parser.set_defaults(handler=run)


def serve(host: str | None, port: int | None) -> None:
    database_ready()
    from django.conf import settings
    from waitress import serve as waitress_serve

    from govwatch.web.config.wsgi import application

    host = host or settings.GOVWATCH_SERVE_HOST
    port = port or settings.GOVWATCH_SERVE_PORT
    print(f"govwatch 已启动：http://{host}:{port}/ （Ctrl-C 停止）", flush=True)
    waitress_serve(application, host=host, port=port, threads=8, ident="govwatch")


def run(args: argparse.Namespace) -> int:
    serve(args.host, args.port)
    return EXIT_OK
