"""Expression rules (规范表述): wrong form -> correct form, as versioned data files.

Rules live in lexicons/expressions.yaml; users add their own in the same YAML shape or as CSV
with the same column names (list columns separated by "|"). Matching is done by the shared
automaton; this module only loads rules and decides whether a hit survives its context guard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from govwatch.engine.text.findings import CATEGORIES, SEVERITIES, WARNING

# Curly double quotes in a rule stand for any quote style a page may use.
_QUOTE_STYLES: tuple[tuple[str, str], ...] = (
    ("“", "”"),
    ("‘", "’"),
    ('"', '"'),
    ("'", "'"),
    ("「", "」"),
    ("『", "』"),
)
DEFAULT_WINDOW = 30


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the rule."""


@dataclass(frozen=True, slots=True)
class ExpressionRule:
    rule_id: str
    wrong: str
    correct: str
    category: str
    severity: str
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    rules: tuple[ExpressionRule, ...]


def quote_variants(text: str) -> list[str]:
    """All spellings of `text` under the quote styles (the text itself first)."""
    if "“" not in text and "”" not in text:
        return [text]
    out: list[str] = []
    for left, right in _QUOTE_STYLES:
        variant = text.replace("“", left).replace("”", right)
        if variant not in out:
            out.append(variant)
    return out


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split("|") if v.strip())
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise RuleError(f"无法识别的列表值：{value!r}")


def rule_from_mapping(row: Mapping[str, object], default_id: str) -> ExpressionRule:
    rule_id = str(row.get("id") or default_id)
    wrong = str(row.get("wrong") or "").strip()
    correct = str(row.get("correct") or "").strip()
    category = str(row.get("category") or "").strip()
    severity = str(row.get("severity") or WARNING).strip()
    if not wrong or not correct:
        raise RuleError(f"规则 {rule_id} 缺少错误写法或规范写法")
    if category not in CATEGORIES:
        raise RuleError(f"规则 {rule_id} 的类别 {category!r} 无效")
    if severity not in SEVERITIES:
        raise RuleError(f"规则 {rule_id} 的严重程度 {severity!r} 无效")
    window_raw = row.get("window") or DEFAULT_WINDOW
    try:
        window = int(str(window_raw))
    except ValueError as exc:
        raise RuleError(f"规则 {rule_id} 的 window 不是整数") from exc
    return ExpressionRule(
        rule_id=rule_id,
        wrong=wrong,
        correct=correct,
        category=category,
        severity=severity,
        near=_as_tuple(row.get("near")),
        not_near=_as_tuple(row.get("not_near")),
        exceptions=_as_tuple(row.get("exceptions")),
        not_after=_as_tuple(row.get("not_after")),
        window=window,
        note=str(row.get("note") or ""),
        source=str(row.get("source") or ""),
    )


def parse_rules_yaml(text: str, prefix: str = "USR") -> RuleSet:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError("规则文件须包含 version 与 rules 列表")
    rules = tuple(
        rule_from_mapping(row, f"{prefix}{i + 1:03d}") for i, row in enumerate(data["rules"])
    )
    return RuleSet(version=str(data.get("version", "")), rules=rules)


def parse_rules_csv(text: str, prefix: str = "USR", version: str = "") -> RuleSet:
    reader = csv.DictReader(io.StringIO(text))
    rules = tuple(rule_from_mapping(row, f"{prefix}{i + 1:03d}") for i, row in enumerate(reader))
    return RuleSet(version=version, rules=rules)


def load_rules(path: Path, prefix: str = "USR") -> RuleSet:
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return parse_rules_csv(raw, prefix)
    return parse_rules_yaml(raw, prefix)


def default_rules() -> RuleSet:
    return load_rules(Path(__file__).with_name("lexicons") / "expressions.yaml", "EXP")


def merge_rule_sets(sets: Iterable[RuleSet]) -> RuleSet:
    """Later sets override earlier rules with the same id (user edits win)."""
    by_id: dict[str, ExpressionRule] = {}
    versions: list[str] = []
    for rule_set in sets:
        versions.append(rule_set.version)
        for rule in rule_set.rules:
            by_id[rule.rule_id] = rule
    return RuleSet(version="+".join(v for v in versions if v), rules=tuple(by_id.values()))


def rule_patterns(rule: ExpressionRule) -> list[str]:
    return quote_variants(rule.wrong)


def _covered_by(text: str, start: int, end: int, phrase: str) -> bool:
    """True when an occurrence of `phrase` in text covers [start, end)."""
    lo = max(0, end - len(phrase))
    pos = text.find(phrase, lo, start + len(phrase))
    while pos != -1 and pos <= start:
        if pos + len(phrase) >= end:
            return True
        pos = text.find(phrase, pos + 1, start + len(phrase))
    return False


def guard_allows(rule: ExpressionRule, text: str, start: int, end: int) -> bool:
    """Whether the rule applies to the hit at [start, end) given its context guard."""
    for prefix in rule.not_after:
        if text.endswith(prefix, max(0, start - len(prefix)), start):
            return False
    exceptions = [v for e in rule.exceptions for v in quote_variants(e)]
    if rule.wrong in rule.correct:
        # A correct form that contains the wrong one (e.g. quoted “台独”) is never a hit.
        exceptions.extend(quote_variants(rule.correct))
    if any(_covered_by(text, start, end, e) for e in exceptions):
        return False
    if rule.near or rule.not_near:
        around = text[max(0, start - rule.window) : end + rule.window]
        if rule.near and not any(w in around for w in rule.near):
            return False
        if any(w in around for w in rule.not_near):
            return False
    return True


__all__ = [
    "ExpressionRule",
    "RuleError",
    "RuleSet",
    "default_rules",
    "guard_allows",
    "load_rules",
    "merge_rule_sets",
    "parse_rules_csv",
    "parse_rules_yaml",
    "quote_variants",
    "rule_patterns",
]
