"""govwatch check-text [FILE|-] [--json]: run the content checks on a file or stdin."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from govwatch.cli.base import EXIT_OK, EXIT_PROBLEMS, CommandError, print_json
from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.expressions import RuleError
from govwatch.engine.text.extract import ExtractError, extract_text
from govwatch.engine.text.findings import (
    CATEGORIES,
    CATEGORY_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    TextHit,
    severity_rank,
)
from govwatch.engine.text.sensitive import LexiconError
from govwatch.engine.text.typo_cache import cache_ready
from govwatch.engine.text.typos import TypoConfig


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(
        verb,
        help="检查文本中的表述错误、错别字、敏感词与隐私泄露",
        description="检查文本（txt/docx/xlsx/pdf，或 - 表示标准输入；UTF-8 或 GBK；最大 20MB）。",
    )
    parser.add_argument("file", nargs="?", default="-", help="要检查的文件，默认读标准输入")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    parser.add_argument(
        "--fail-on", choices=SEVERITIES, help="存在该严重程度及以上的问题时以退出码 1 结束"
    )
    parser.add_argument(
        "--rules", action="append", type=Path, default=[], help="追加规范表述规则（yaml/csv）"
    )
    parser.add_argument(
        "--lexicon", action="append", type=Path, default=[], help="追加敏感词库（txt/csv/xlsx）"
    )
    parser.add_argument(
        "--terms",
        action="append",
        default=[],
        metavar="类别=文件",
        help="追加规范词表，如 place_name=本地地名.txt（每行一个词）",
    )
    parser.add_argument("--whitelist", type=Path, help="白名单文件，每行一个词")
    parser.add_argument("--dismissed", type=Path, help="已忽略问题的指纹文件，每行一个")
    parser.add_argument("--no-typos", action="store_true", help="不做统计错别字检测")
    parser.add_argument(
        "--typo-threshold",
        type=float,
        help="错别字判定阈值（默认 -2.0；调高更保守、误报更少，如 -1.0）",
    )
    parser.add_argument("--no-sample-lexicon", action="store_true", help="不使用内置演示敏感词")
    parser.set_defaults(handler=run)


# The checks hold the whole text and take about 25 bytes of memory a character (measured:
# a 200 MB file took 6.3 GB): larger inputs are refused, before they are read, with exit 2.
MB = 1024 * 1024
MAX_INPUT_BYTES = 20 * MB  # the file or standard input, as given
MAX_TEXT_CHARS = 20_000_000  # the text, also as extracted from a docx/xlsx/pdf
MAX_UNPACKED_BYTES = 100 * MB  # a docx/xlsx unpacked (zip bombs)


def _too_large(what: str) -> CommandError:
    return CommandError(
        f"{what}过大：超过 {MAX_INPUT_BYTES // MB}MB（上限），请拆分为几个文件分别检查"
    )


def _read_file(path: Path, what: str) -> bytes:
    """The bytes of ``path``, refused without being read when above MAX_INPUT_BYTES."""
    if not path.is_file():
        raise CommandError(f"找不到文件 {path}")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise _too_large(f"{what}（{-(-size // MB):,}MB）")  # rounded up
    with path.open("rb") as handle:
        data = handle.read(MAX_INPUT_BYTES + 1)  # the size may have changed since
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(what)
    return data


def _lines(path: Path | None) -> tuple[str, ...]:
    if path is None:
        return ()
    try:
        raw = _read_file(path, f"文件 {path}").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"文件 {path} 应为 UTF-8 编码") from None
    return tuple(ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#"))


def _cache_dir() -> Path:
    """Where the built typo model is kept (settings.GOVWATCH_TEXT_CACHE_DIR). Only the
    settings module is read: Django itself is not set up, which would cost a second."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govwatch.web.config.settings")
    from django.conf import settings

    return Path(settings.GOVWATCH_TEXT_CACHE_DIR)


def _typo_config(threshold: float | None) -> TypoConfig:
    if threshold is None:
        return TypoConfig(cache_dir=_cache_dir())
    if not -20.0 <= threshold <= 20.0:
        raise CommandError("--typo-threshold 应在 -20 到 20 之间")
    return TypoConfig(threshold=threshold, cache_dir=_cache_dir())


def _read_input(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise _too_large("标准输入")
        name = "stdin.txt"
    else:
        data = _read_file(Path(name), f"文件 {name}")
    try:
        text = extract_text(
            data, name, max_chars=MAX_TEXT_CHARS + 1, max_unpacked_bytes=MAX_UNPACKED_BYTES
        )
    except ExtractError as exc:
        raise CommandError(str(exc)) from exc
    if len(text) > MAX_TEXT_CHARS:
        raise CommandError(
            f"文本过长：超过 {MAX_TEXT_CHARS:,} 字（上限），请拆分为几个文件分别检查"
        )
    return text


def run(args: argparse.Namespace) -> int:
    for path in [*args.rules, *args.lexicon]:
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
    term_files = []
    for item in args.terms:
        category, _, name = item.partition("=")
        if category not in CATEGORIES or not name:
            raise CommandError(
                f"--terms 格式应为 类别=文件，类别取 {'、'.join(sorted(CATEGORIES))}"
            )
        if not Path(name).is_file():
            raise CommandError(f"找不到文件 {name}")
        term_files.append((category, Path(name)))
    text = _read_input(args.file)
    config = TextCheckConfig(
        term_files=tuple(term_files),
        rule_files=tuple(args.rules),
        sensitive_files=tuple(args.lexicon),
        sample_sensitive=not args.no_sample_lexicon,
        typo=None if args.no_typos else _typo_config(args.typo_threshold),
        whitelist=_lines(args.whitelist),
    )
    if config.typo is not None and sys.stderr.isatty() and not cache_ready(config.typo):
        # The first start builds the typo model (2.5 M candidates) before caching it.
        print(
            "首次使用：正在构建错别字模型（约 15–30 秒，之后从缓存加载约 1 秒；"
            "加 --no-typos 可跳过）……",
            file=sys.stderr,
            flush=True,
        )
    try:
        checker = TextChecker(config)
    except (RuleError, LexiconError) as exc:
        raise CommandError(str(exc)) from exc
    findings = checker.check(text, dismissed=frozenset(_lines(args.dismissed)))
    if args.json:
        print_json(
            {
                "rules_version": checker.rules.version,
                "count": len(findings),
                "findings": [f.to_dict() for f in findings],
            }
        )
    else:
        _print_human(findings)
    if args.fail_on and any(
        severity_rank(f.severity) >= severity_rank(args.fail_on) for f in findings
    ):
        return EXIT_PROBLEMS
    return EXIT_OK


def _print_human(findings: list[TextHit]) -> None:
    if not findings:
        print("未发现问题。")
        return
    for f in findings:
        label = CATEGORY_LABELS.get(f.category, f.category)
        print(f"[{SEVERITY_LABELS.get(f.severity, f.severity)}] {f.code} {label} 位置 {f.offset}")
        print(f"  {f.message}")
        if f.suggestion:
            print(f"  建议：{f.suggestion}")
        print(f"  上下文：…{f.context}…")
        print(f"  规则：{f.rule_id}  来源：{f.source}  指纹：{f.fingerprint}")
    serious = sum(1 for f in findings if f.severity == "serious")
    print(f"共 {len(findings)} 处问题，其中严重 {serious} 处。")
