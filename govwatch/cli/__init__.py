"""The `govwatch` command (docs/architecture.md).

Every verb lives in its own module under govwatch/cli/ with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``, and one line in COMMANDS.
Exit codes: 0 success, 1 ran but found problems it was asked to fail on,
2 bad input or a state the operator can act on (one Chinese line on stderr, nothing
half-written: an unreadable or unwritable path, a full disk, the database busy with
another process's write), 3 an internal error (a bug of ours: one Chinese line naming the
exception; ``govwatch --debug VERB …`` prints the traceback as well).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from govwatch.cli.base import (
    DATABASE_BUSY,
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    CommandError,
    is_database_busy,
    os_error_message,
)

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
    "run": "govwatch.cli.run",
    "scan": "govwatch.cli.scan",
    "scheduler": "govwatch.cli.scheduler",
    "serve": "govwatch.cli.serve",
    "stats": "govwatch.cli.stats",
    "users": "govwatch.cli.users",
    "worker": "govwatch.cli.worker",
    "workdays": "govwatch.cli.workdays",
}


# argparse's own messages (Python 3.11 wording) in Chinese; a message our type functions
# raise is Chinese already and passes through.
_MESSAGES_ZH = (
    (r"^argument (.+?): ", r"参数 \1："),
    (r"the following arguments are required: (.+)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"invalid choice: (.+) \(choose from (.+)\)", r"无效的选项 \1（可选：\2）"),
    (r"invalid int value: (.+)", r"\1 不是整数"),
    (r"invalid float value: (.+)", r"\1 不是数字"),
    (r"invalid \S+ value: (.+)", r"\1 无效"),
    (r"expected one argument", "需要一个值"),
    (r"expected at least one argument", "至少需要一个值"),
    (r"expected at most one argument", "最多只能有一个值"),
    (r"not allowed with argument (.+)", r"不能与参数 \1 同时使用"),
    (r"one of the arguments (.+) is required", r"必须提供 \1 中的一个"),
    (r"ambiguous option: (.+) could match (.+)", r"选项 \1 有歧义，可能是 \2"),
)


# The headings of `-h` (Python 3.11 wording).
_HELP_ZH = (
    ("usage: ", "用法："),
    ("\npositional arguments:\n", "\n位置参数：\n"),
    ("\noptions:\n", "\n选项：\n"),
    ("show this help message and exit", "显示本帮助并退出"),
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage errors as one Chinese line on stderr, exit code 2, and `-h` with Chinese
    headings (subparsers inherit both)."""

    def format_help(self) -> str:
        text = super().format_help()
        for english, chinese in _HELP_ZH:
            text = text.replace(english, chinese)
        return text

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _MESSAGES_ZH:
            message = re.sub(pattern, replacement, message)
        self.exit(EXIT_BAD_INPUT, f"错误：{message}（用法见 {self.prog} -h）\n")


def build_parser(verb_only: str | None = None) -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="govwatch", description="govwatch 政务网站与新媒体监管平台")
    parser.add_argument(
        "--debug", action="store_true", help="出错时显示完整的错误追踪（供排查问题）"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for verb, module_name in sorted(COMMANDS.items()):
        if verb_only is not None and verb != verb_only:
            continue  # importing every verb's module costs a second (aiohttp, Django ...)
        module = importlib.import_module(module_name)
        module.add_parser(sub, verb)
    return parser


def _split_debug(argv: Sequence[str]) -> tuple[list[str], bool]:
    """``--debug`` is taken anywhere before ``--``, not only before the verb: it is what
    someone adds to the command line that just failed."""
    args = list(argv)
    end = args.index("--") if "--" in args else len(args)
    debug = "--debug" in args[:end]
    return [a for i, a in enumerate(args) if i >= end or a != "--debug"], debug


def _fail(message: str, code: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    # One line: a message that carries line breaks of its own (an OS error's) is joined.
    print("错误：" + " ".join(message.splitlines()), file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    argv, debug = _split_debug(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
        args = parser.parse_args(argv)
        result: int = args.handler(args)
        return result
    except CommandError as exc:
        if debug:
            traceback.print_exc()
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`govwatch inspect --json | head`): stop quietly, like cat.
        sys.stderr.close()
        return EXIT_OK
    except FileNotFoundError as exc:
        if exc.filename is None:
            return _internal(exc, debug)
        return _fail(f"找不到文件 {exc.filename}", EXIT_BAD_INPUT, debug)
    except OSError as exc:
        message = os_error_message(exc)
        if message is None:
            return _internal(exc, debug)
        return _fail(message, EXIT_BAD_INPUT, debug)
    except Exception as exc:
        if is_database_busy(exc):
            return _fail(DATABASE_BUSY, EXIT_BAD_INPUT, debug)
        return _internal(exc, debug)


def _internal(exc: BaseException, debug: bool) -> int:
    detail = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    what = f"{name}: {detail}" if detail else name
    hint = "" if debug else "，加 --debug 查看详情"
    return _fail(f"内部错误（{what}），命令未完成{hint}", EXIT_INTERNAL, debug)
