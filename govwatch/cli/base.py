"""Shared pieces of the command-line verbs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from govwatch.engine.periods import PeriodError, period_dates
from govwatch.engine.rows import RowsRefused

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """Bad input: printed in Chinese on stderr, exit code 2 by default."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


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
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，应写作 YYYY-MM-DD") from None


def period_arg(kind_zh: str) -> Callable[[str], str]:
    """argparse type for a period label (2024Q2, 2024-05~2024-06 …); keeps the label as text."""

    def check(text: str) -> str:
        try:
            period_dates(text, kind_zh=kind_zh)
        except PeriodError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
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
