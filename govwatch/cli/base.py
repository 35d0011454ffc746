"""Shared pieces of the command-line verbs."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govwatch.engine.periods import PeriodError, period_dates
from govwatch.engine.rows import RowsRefused

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
# A bug of ours, not the user's input: one Chinese line (the traceback with --debug), and
# a code of its own so a script does not take it for "fix your file" (2) or "found
# problems" (1, which is also what Python's own uncaught-exception exit would say).
EXIT_INTERNAL = 3

# Dates and periods a command accepts: what an office can mean, and far enough from
# datetime's year 1 and 9999 that a period's look-back or next day cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2099

DATABASE_BUSY = "数据库正忙：另一个任务正在写入，请稍后再试"
_BUSY_MARKERS = ("database is locked", "database table is locked")


class CommandError(Exception):
    """Bad input: printed in Chinese on stderr, exit code 2 by default."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked": a write that waited the busy timeout for another
    process's write lock (Django's OperationalError or sqlite3's own, also as a cause)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if type(seen).__name__ == "OperationalError":
            message = str(seen).lower()
            if any(marker in message for marker in _BUSY_MARKERS):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


# errno -> what an operator is told (the OS's own words are English).
_OS_REASONS_ZH = {
    errno.ENOENT: "不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EEXIST: "已存在同名的文件或目录",
    errno.ENOTDIR: "路径中有一项是文件，不是目录",
    errno.EISDIR: "是一个目录，不是文件",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "所在文件系统只读",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EADDRINUSE: "地址或端口已被占用",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def os_error_message(exc: OSError) -> str | None:
    """One Chinese line for an operating-system refusal the operator can act on (a path
    that is a file, no permission, a full disk, a port in use), or None for other errors."""
    reason = _OS_REASONS_ZH.get(exc.errno or 0)
    if reason is None:
        return None
    if exc.filename is None:
        return f"操作失败：{reason}"
    if exc.filename2 is not None:
        return f"无法处理 {exc.filename} → {exc.filename2}：{reason}"
    return f"无法处理 {exc.filename}：{reason}"


def output_dir(path: Path, option: str = "--out") -> Path:
    """An output folder the command may create: refused when it, or a folder on its way,
    is an existing file (checked before anything is computed or written)."""
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            if part == path:
                raise CommandError(f"{option} {path} 是已有的文件，不是目录；请指定一个目录")
            raise CommandError(f"{option} {path} 无法创建：{part} 是文件，不是目录")
    return path


def output_file(path: Path, what: str = "输出文件") -> Path:
    """An output file written in place of any older one: refused when it is a folder or
    its folder does not exist (nothing is created on the way)."""
    if path.is_dir():
        raise CommandError(f"{what} {path} 是一个目录，应为文件名")
    if not path.parent.is_dir():
        state = "是文件，不是目录" if path.parent.exists() else "不存在"
        raise CommandError(f"{what} {path} 所在的目录 {path.parent} {state}")
    return path


def setup_django() -> None:
    """Configure Django once; commands that touch the database call this first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    import django

    django.setup()


def database_ready() -> None:
    """Set Django up and apply the migrations not yet applied; every verb calls this first.

    ``migrate`` runs only when something is unapplied: otherwise it would still load every
    migration and run the post-migrate handlers on each command.
    """
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def date_arg(text: str) -> dt.date:
    """argparse type for a date: YYYY-MM-DD, with a Chinese message otherwise."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，应写作 YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”超出范围，年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"
        )
    return day


def period_arg(kind_zh: str) -> Callable[[str], str]:
    """argparse type for a period label (2024Q2, 2024-05~2024-06 …); keeps the label as text."""

    def check(text: str) -> str:
        try:
            start, end = period_dates(text, kind_zh=kind_zh)
        except PeriodError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        except ValueError:
            # A label of the right shape naming no date (0000Q1: there is no year 0).
            raise argparse.ArgumentTypeError(
                f"{kind_zh}「{text}」不是有效的日期，年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"
            ) from None
        if start.year < FIRST_YEAR or end.year > LAST_YEAR:
            raise argparse.ArgumentTypeError(
                f"{kind_zh}「{text}」超出范围，年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"
            )
        return text.strip()

    return check


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def import_refused(exc: RowsRefused) -> CommandError:
    """The one message of a refused import: the true total, then the listed errors (the
    list is capped and ends with how many more there are)."""
    return CommandError(
        f"导入失败，未写入任何数据（共 {exc.total} 处错误）：\n" + "\n".join(exc.errors)
    )


def port_arg(text: str) -> int:
    """argparse type for a TCP port (1–65535), with a Chinese message otherwise."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口“{text}”无效，应为 1–65535 的整数")
    return port


def count_arg(text: str) -> int:
    """argparse type for a count of processes or workers (a positive integer)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"“{text}”无效，应为正整数")
    return count
