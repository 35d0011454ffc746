"""Generate the indicator catalogue ``docs/indicators/`` from the registry.

    python -m govwatch.engine.checks.docgen            # rewrite the catalogue
    python -m govwatch.engine.checks.docgen --check    # exit 1 if it is stale

Each page is the indicator's docstring plus what the code and the shipped profiles
know: targets, default parameters, and how every profile uses it. A test compares
``render()`` with the files, so the catalogue cannot drift from the code.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from dataclasses import asdict, fields
from pathlib import Path

from govwatch.engine.checks.base import AnyIndicator
from govwatch.engine.checks.registry import all_indicators
from govwatch.engine.profiles.loader import load_profile, shipped_profiles
from govwatch.engine.profiles.model import Profile

DOCS_DIR = Path(__file__).resolve().parents[3] / "docs" / "indicators"
_HEADER = "<!-- 本文件由 python -m govwatch.engine.checks.docgen 生成，请勿手工修改。 -->\n\n"


def _params_table(indicator: AnyIndicator) -> list[str]:
    params = indicator.default_params()
    if not fields(params):
        return ["无参数。", ""]
    lines = ["| 参数 | 默认值 |", "| --- | --- |"]
    for name, value in asdict(params).items():
        shown = json.dumps(value, ensure_ascii=False, default=list)
        lines.append(f"| `{name}` | `{shown}` |")
    return [*lines, ""]


def _profiles_table(code: str, profiles: list[Profile]) -> list[str]:
    lines = ["| 配置 | 启用 | 级别 | 每单位扣分 | 指标项 |", "| --- | --- | --- | --- | --- |"]
    for profile in profiles:
        rule = profile.rules.get(code)
        if rule is None:
            lines.append(f"| {profile.name} | 否 | — | — | — |")
            continue
        points = "—" if rule.points_each is None else f"{rule.points_each:g}"
        lines.append(
            f"| {profile.name} | {'是' if rule.enabled else '否'} | {rule.severity} "
            f"| {points} | {rule.item or '—'} |"
        )
    return [*lines, ""]


def _page(indicator: AnyIndicator, profiles: list[Profile]) -> str:
    doc = inspect.cleandoc(indicator.doc)
    body = doc.split("\n", 1)[1].strip() if "\n" in doc else ""
    lines = [
        f"# {indicator.code} {indicator.slug} — {indicator.title_zh}",
        "",
        f"- 检查对象 (subjects): {', '.join(indicator.subjects)}",
        f"- 适用目标 (targets): {', '.join(indicator.targets)}",
        "",
        body,
        "",
        "## Default parameters",
        "",
        *_params_table(indicator),
        "## Profiles",
        "",
        *_profiles_table(indicator.code, profiles),
    ]
    return _HEADER + "\n".join(lines).rstrip() + "\n"


def _index(indicators: list[AnyIndicator]) -> str:
    lines = [
        "# 检查指标目录 (indicator catalogue)",
        "",
        "Generated from `govwatch/engine/checks/registry.py`; one page per indicator.",
        "",
        "| 代码 | slug | 指标 | 对象 | 目标 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for ind in indicators:
        lines.append(
            f"| [{ind.code}]({ind.code}.md) | {ind.slug} | {ind.title_zh} "
            f"| {', '.join(ind.subjects)} | {', '.join(ind.targets)} |"
        )
    return _HEADER + "\n".join(lines) + "\n"


def render() -> dict[str, str]:
    """File name -> content of the whole catalogue."""
    profiles = [load_profile(name) for name in shipped_profiles()]
    indicators = all_indicators()
    pages = {f"{ind.code}.md": _page(ind, profiles) for ind in indicators}
    return {"README.md": _index(indicators), **pages}


def stale_files(out: Path = DOCS_DIR) -> list[str]:
    """Names of catalogue files that are missing, different or no longer generated."""
    wanted = render()
    stale = [
        name
        for name, text in wanted.items()
        if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text
    ]
    extra = [p.name for p in out.glob("*.md") if p.name not in wanted] if out.exists() else []
    return sorted(stale + extra)


def write(out: Path = DOCS_DIR) -> None:
    out.mkdir(parents=True, exist_ok=True)
    wanted = render()
    for path in out.glob("*.md"):
        if path.name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        (out / name).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成检查指标目录 docs/indicators/")
    parser.add_argument("--check", action="store_true", help="只检查是否过期，过期则返回 1")
    parser.add_argument("--out", type=Path, default=DOCS_DIR, help="输出目录")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.out)
        for name in stale:
            print(f"过期：{args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    write(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
