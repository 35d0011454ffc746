"""govwatch demo: the main job on the embedded default.

For now: create the database, import the demo registry built from the seeds, and serve.
The scan, inspection and bulletin steps join as their issues land.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from govwatch.cli.base import EXIT_OK, CommandError, setup_django

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "demo" / "registry"
ORDER = ("units.csv", "sites.csv", "columns.csv", "accounts.csv")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="演示：建库、导入演示登记数据并启动网页")
    parser.add_argument("--no-serve", action="store_true", help="导入后不启动网页")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.set_defaults(handler=run)


def demo_admin() -> str:
    """The demo needs someone to log in: without a configured password, make one up and show it."""
    import secrets

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from govwatch.cli.init import admin_ensure

    users = get_user_model()
    if settings.GOVWATCH_ADMIN_PASSWORD or users.objects.filter(is_superuser=True).exists():
        return admin_ensure(interactive=False)
    password = secrets.token_urlsafe(9)
    users.objects.create_superuser(settings.GOVWATCH_ADMIN_USER, "", password)
    return (
        f"已创建演示管理员：用户名 {settings.GOVWATCH_ADMIN_USER}，密码 {password}（仅显示这一次）"
    )


def run(args: argparse.Namespace) -> int:
    setup_django()
    from govwatch.cli.init import database_init
    from govwatch.cli.serve import serve
    from govwatch.web.registry.services import RegistryImportError, registry_import

    database_init()
    print("[1/3] 数据库已就绪")
    print(f"      {demo_admin()}")
    missing = [name for name in ORDER if not (DEMO_REGISTRY / name).is_file()]
    if missing:
        raise CommandError(f"演示登记数据缺失：{', '.join(missing)}（应在 {DEMO_REGISTRY}）")
    for name in ORDER:
        try:
            report = registry_import(DEMO_REGISTRY / name)
        except RegistryImportError as exc:
            raise CommandError("演示登记数据有误：\n" + "\n".join(exc.errors)) from exc
        for entity, counts in report.counts.items():
            total = counts.created + counts.updated + counts.unchanged
            print(f"[2/3] 导入 {name}：{entity} {total} 条（新增 {counts.created}）")
    if args.no_serve:
        return EXIT_OK
    print("[3/3] 启动网页")
    serve(args.host, args.port)
    return EXIT_OK
