"""govwatch init: create or upgrade the database and create the first admin user."""

from __future__ import annotations

import argparse
import getpass

from govwatch.cli.base import EXIT_OK, CommandError, database_ready, is_terminal


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="创建或升级数据库，并创建首个管理员")
    parser.add_argument("--no-admin", action="store_true", help="不创建管理员")
    parser.set_defaults(handler=run)


def admin_ensure(interactive: bool) -> str:
    """Create the first admin unless one exists; never waits for input without a terminal.

    The password must pass the site's password rules (AUTH_PASSWORD_VALIDATORS), the same
    the admin's password forms apply; a weak one creates nobody (exit 2, the reasons).
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model

    users = get_user_model()
    if users.objects.filter(is_superuser=True).exists():
        return "管理员已存在，未改动。"
    username = settings.GOVWATCH_ADMIN_USER
    email = settings.GOVWATCH_ADMIN_EMAIL
    password = settings.GOVWATCH_ADMIN_PASSWORD
    source = "GOVWATCH_ADMIN_PASSWORD"
    if not password and interactive:
        source = "输入的密码"
        password = getpass.getpass(f"请为管理员 {username} 设置密码：")
        if password != getpass.getpass("请再输入一次："):
            raise CommandError("两次输入的密码不一致，未创建管理员。")
    if not password:
        return "未创建管理员：没有终端可输入密码，且未设置 GOVWATCH_ADMIN_PASSWORD。"
    password_check(password, users(username=username, email=email), source)
    users.objects.create_superuser(username, email, password)
    return f"已创建管理员 {username}。"


def password_check(password: str, user: object, source: str) -> None:
    """Raise the Chinese reasons a password fails the site's password rules."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        reasons = "\n".join(f"  - {message}" for message in exc.messages)
        raise CommandError(f"{source}不符合密码要求，未创建管理员：\n{reasons}") from None


def run(args: argparse.Namespace) -> int:
    database_ready()
    from django.conf import settings

    print(f"数据库已就绪：{settings.DATABASES['default']['NAME']}")
    if not args.no_admin:
        print(admin_ensure(is_terminal()))
    return EXIT_OK
