"""The `govwatch` command (DESIGN.md section 4).

Every verb lives in its own module under govwatch/cli/ with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``, and one line in COMMANDS.
Exit codes: 0 success, 1 ran but found problems it was asked to fail on,
2 bad input (a clear message, nothing half-written).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from govwatch.cli.base import EXIT_BAD_INPUT, CommandError

# verb -> module under govwatch.cli; sorted, explicit, no discovery magic.
COMMANDS: dict[str, str] = {
    "check-text": "govwatch.cli.check_text",
    "demo": "govwatch.cli.demo",
    "init": "govwatch.cli.init",
    "inspect": "govwatch.cli.inspect",
    "interaction": "govwatch.cli.interaction",
    "posts": "govwatch.cli.posts",
    "registry": "govwatch.cli.registry",
    "report": "govwatch.cli.report",
    "scan": "govwatch.cli.scan",
    "serve": "govwatch.cli.serve",
    "stats": "govwatch.cli.stats",
    "worker": "govwatch.cli.worker",
    "workdays": "govwatch.cli.workdays",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govwatch",
        description="govwatch 政务网站与新媒体监管平台",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for verb, module_name in sorted(COMMANDS.items()):
        module = importlib.import_module(module_name)
        module.add_parser(sub, verb)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
        return result
    except CommandError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except FileNotFoundError as exc:
        print(f"错误：找不到文件 {exc.filename}", file=sys.stderr)
        return EXIT_BAD_INPUT
