"""Load and validate indicator profiles (YAML); the format is described in docs/profiles.md.

Every file of an ``extends`` chain is checked key by key and every problem is collected
before anything is built, so one run names all the mistakes, each with file, line and key::

    city-2025.yaml 第12行 rules.NMA004.params.max_gap_days：应为正整数，实际为 "abc"

Line numbers come from PyYAML's node marks (``yaml.compose``), i.e. the file as written.
Overlays may change severities, parameters, points, items, rates and scoring, and may
switch rules on or off; everything they do not name comes from the base.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from govwatch.engine.checks import registry
from govwatch.engine.profiles.model import (
    AccountScoring,
    Item,
    Profile,
    RateFormat,
    Rule,
    SiteScoring,
)

PROFILE_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = "cn-national-2019"
SUFFIXES = (".yaml", ".yml")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# "info" is what a check itself reports for unknowns; a profile cannot choose it.
_RuleSeverity = Literal["veto", "deduction", "warning"]
# Top-level keys, each mapped to "required".
_OPTIONAL = ("extends", "notes_zh", "scoring", "rates", "items", "rules")
_TOP = {"profile": True, "title_zh": True, **dict.fromkeys(_OPTIONAL, False)}
# Stands for a value already reported, so the checks of the merged profile neither
# report it again as missing nor use it.
_BAD: Any = object()


@dataclass(frozen=True)
class ProfileProblem:
    """One mistake in a profile; ``line`` is 0 and ``key`` empty when they do not apply."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        line = f"第{self.line}行" if self.line else ""
        return " ".join(part for part in (self.file, line, self.key) if part) + f"：{self.message}"


class ProfileError(ValueError):
    """A profile that cannot be used; ``problems`` lists every mistake, the message too."""

    def __init__(self, problems: Sequence[ProfileProblem]) -> None:
        self.problems = tuple(problems)
        lines = [str(problem) for problem in self.problems]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            super().__init__(f"共 {len(lines)} 处错误：\n" + "\n".join(f"  {x}" for x in lines))

    def __reduce__(self) -> tuple[type[ProfileError], tuple[tuple[ProfileProblem, ...]]]:
        # Rebuilt from the problems, not the message, when it crosses a process boundary.
        return type(self), (self.problems,)


class _Invalid(Exception):
    """Raised after a problem is recorded, to skip the value that holds it."""


@dataclass
class _Merged:
    """Raw values of a chain, base first, and where (file, line) each key was last set."""

    source_file: str
    extends: str | None = None
    name: str = ""
    title_zh: str = ""
    site: dict[str, Any] = field(default_factory=dict)
    account: dict[str, Any] = field(default_factory=dict)
    rates: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[ProfileProblem] = field(default_factory=list)
    complete: bool = True  # False when a file of the chain could not be read at all

    def problem_at(self, key: str, message: str) -> None:
        """Record a problem of the merged profile at the nearest place that set ``key``."""
        parts = key.split(".")
        places = (self.where.get(".".join(parts[:n])) for n in range(len(parts), 0, -1))
        file, line = next((p for p in places if p), (self.source_file, 0))
        self.problems.append(ProfileProblem(file, line, key, message))


def _int_bounds(key: str) -> tuple[int, int | None]:
    # Days, counts and limits below 1 make no sense, but a "more than N" threshold
    # (``*_gt``) may be 0, and rates print 0–4 decimals.
    if key.endswith(".decimals"):
        return 0, 4
    return (0, None) if key.endswith("_gt") else (1, None)


def _shown(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return f'"{node.value}"'
    return "列表" if isinstance(node, SequenceNode) else "映射"


class _File:
    """One YAML file of a chain: turns nodes into checked values or recorded problems."""

    def __init__(self, path: Path, merged: _Merged) -> None:
        self.path, self.label, self.merged = path, path.name, merged
        self._constructor = SafeConstructor()

    def report(self, node: Node, key: str, message: str) -> _Invalid:
        self.merged.problems.append(
            ProfileProblem(self.label, node.start_mark.line + 1, key, message)
        )
        return _Invalid()

    def read(self) -> dict[str, Node] | None:
        """The top-level keys, or None (reported) when the file cannot be used at all."""
        try:
            root = yaml.compose(self.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            detail = getattr(exc, "problem", None) or exc
            line, message = (mark.line + 1 if mark else 0), f"YAML 语法错误：{detail}"
        except UnicodeDecodeError:
            line, message = 0, "文件不是 UTF-8 编码"
        except OSError as exc:
            line, message = 0, f"无法读取：{exc.strerror}"
        else:
            if root is not None:
                with suppress(_Invalid):
                    return self.mapping(root, "", _TOP)
                return None
            line, message = 0, "文件为空"
        self.merged.problems.append(ProfileProblem(self.label, line, "", message))
        return None

    def mapping(
        self, node: Node, key: str, allowed: Mapping[str, bool] | None = None
    ) -> dict[str, Node]:
        """Entries of a mapping node; ``allowed`` maps each permitted key to "required".

        Bad entries are reported and left out, so their neighbours are still checked.
        """
        if not isinstance(node, MappingNode):
            raise self.report(node, key, f"应为映射（键: 值），实际为 {_shown(node)}")
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            where = f"{key}.{name}" if key else name
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, key, "键应为字符串")
            elif allowed is not None and name not in allowed:
                choices = "、".join(sorted(allowed)) or "无"
                self.report(key_node, where, f"未知的键（可用：{choices}）")
            elif name in result:
                self.report(key_node, where, "键重复")
            else:
                result[name] = value_node
        for name, required in (allowed or {}).items():
            if required and name not in result:
                self.report(node, f"{key}.{name}" if key else name, "缺少必填键")
        return result

    def typed(self, node: Node, key: str, hint: Any) -> Any:
        """The node's value checked against a type hint of a model or Params field."""
        origin, args = get_origin(hint), get_args(hint)
        if origin is Literal:
            if isinstance(node, ScalarNode) and self._value(node, key) in args:
                return self._value(node, key)
            expected = " / ".join(map(str, args))
            raise self.report(node, key, f"取值应为 {expected}，实际为 {_shown(node)}")
        if origin is tuple:
            if not isinstance(node, SequenceNode):
                raise self.report(node, key, f"应为列表，实际为 {_shown(node)}")
            return tuple(self.typed(item, key, args[0]) for item in node.value)
        if isinstance(origin, type) and issubclass(origin, Mapping):
            entries = self.mapping(node, key)
            return {name: self.typed(n, f"{key}.{name}", args[1]) for name, n in entries.items()}
        if type(None) in args:  # X | None
            if isinstance(node, ScalarNode) and self._value(node, key) is None:
                return None
            return self.typed(node, key, next(a for a in args if a is not type(None)))
        return self._scalar(node, key, hint)

    def _scalar(self, node: Node, key: str, hint: Any) -> Any:
        value = self._value(node, key) if isinstance(node, ScalarNode) else None
        if hint is int:
            low, high = _int_bounds(key)
            if type(value) is int and low <= value and (high is None or value <= high):
                return value
            bound = "正整数" if low else "非负整数"
            expected = bound if high is None else f"介于 {low} 和 {high} 之间的整数"
        elif hint is float:
            # bool is an int subclass: `true` is no number here.
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                return float(value)
            expected = "非负数值"
        elif hint in (str, bool) and type(value) is hint:
            return value
        else:
            expected = {str: "字符串", bool: "布尔值（true/false）"}.get(hint, str(hint))
        raise self.report(node, key, f"应为{expected}，实际为 {_shown(node)}")

    def _value(self, node: ScalarNode, key: str) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # an unknown tag such as `!foo 3`
            raise self.report(node, key, f"无法识别的值：{getattr(exc, 'problem', exc)}") from exc

    def put(self, target: dict[str, Any], name: str, node: Node, key: str, hint: Any) -> None:
        """Set ``target[name]`` from the node (``_BAD`` when reported) and note where."""
        self.merged.where[key] = (self.label, node.start_mark.line + 1)
        try:
            target[name] = self.typed(node, key, hint)
        except _Invalid:
            target[name] = _BAD

    def merge_fields(
        self,
        node: Node,
        key: str,
        cls: type,
        target: dict[str, Any],
        *,
        required: bool = False,
        skip: str = "",
    ) -> None:
        """Merge a mapping whose keys are the fields of dataclass ``cls`` into ``target``."""
        hints = get_type_hints(cls)
        allowed = {f.name: required for f in fields(cls) if f.name != skip}
        for name, n in self.mapping(node, key, allowed).items():
            self.put(target, name, n, f"{key}.{name}", hints[name])

    def entries(self, node: Node, key: str) -> list[tuple[str, str, Node]]:
        """(id, dotted key, node) of a mapping of lower-case identifiers (rates, items)."""
        result = []
        for name, n in self.mapping(node, key).items():
            where = f"{key}.{name}"
            if _IDENT.match(name):
                self.merged.where[where] = (self.label, n.start_mark.line + 1)
                result.append((name, where, n))
            else:
                self.report(n, where, "标识应为小写英文字母、数字和下划线，以字母开头")
        return result


def _scoring(file: _File, node: Node) -> None:
    parts = file.mapping(node, "scoring", {"site": False, "account": False})
    for part, cls in (("site", SiteScoring), ("account", AccountScoring)):
        if part in parts:
            with suppress(_Invalid):
                file.merge_fields(parts[part], f"scoring.{part}", cls, getattr(file.merged, part))


def _rates(file: _File, node: Node) -> None:
    for kind, where, n in file.entries(node, "rates"):
        with suppress(_Invalid):
            # Both keys are required: an overlay gives a rate format whole.
            target = file.merged.rates.setdefault(kind, {})
            file.merge_fields(n, where, RateFormat, target, required=True)


def _items(file: _File, node: Node) -> None:
    for item_id, where, n in file.entries(node, "items"):
        with suppress(_Invalid):
            target = file.merged.items.setdefault(item_id, {})
            file.merge_fields(n, where, Item, target, skip="item_id")


def _rules(file: _File, node: Node) -> None:
    hints = {**get_type_hints(Rule), "severity": _RuleSeverity}
    allowed = {f.name: False for f in fields(Rule) if f.name != "code"}
    for code, n in file.mapping(node, "rules").items():
        where = f"rules.{code}"
        if code not in registry.CODES:
            near = difflib.get_close_matches(code.upper(), registry.CODES, n=3)
            hint = f"（相近的有：{'、'.join(near)}）" if near else ""
            file.report(n, where, f"未知的指标代码{hint}")
            continue
        file.merged.where[where] = (file.label, n.start_mark.line + 1)
        merged = file.merged.rules.setdefault(code, {"params": {}})
        with suppress(_Invalid):
            for key, v in file.mapping(n, where, allowed).items():
                if key == "params":
                    # Parameters merge one by one: an overlay names only those it changes.
                    with suppress(_Invalid):
                        params_type = registry.get(code).params_type
                        file.merge_fields(v, f"{where}.params", params_type, merged["params"])
                else:
                    file.put(merged, key, v, f"{where}.{key}", hints[key])


def _candidates(ref: str, beside: Path | None) -> list[Path]:
    """Where a profile reference may point, in order of preference.

    A reference with a suffix or a slash is a path (relative to ``beside``); a name is
    looked for beside the referring file first, so an overlay folder can layer its own
    files, and among the shipped profiles last.
    """
    if ref.endswith(SUFFIXES) or "/" in ref or "\\" in ref:
        return [beside / ref if beside else Path(ref)]
    local = [beside / f"{ref}{suffix}" for suffix in SUFFIXES] if beside else []
    return [*local, PROFILE_DIR / f"{ref}.yaml"]


def _extend(file: _File, node: Node, chain: tuple[Path, ...]) -> None:
    """Load the base named by ``extends`` into the merged values first."""
    ref = file.typed(node, "extends", str | None)
    if ref is None:
        return
    candidates = _candidates(ref, file.path.parent)
    base = next((p for p in candidates if p.is_file()), None)
    if base is None:
        looked = "、".join(str(p) for p in candidates)
        raise file.report(node, "extends", f"找不到基础配置 {ref}（已查找：{looked}）")
    if base.resolve() in chain:
        loop = " → ".join(p.name for p in (*chain, base))
        raise file.report(node, "extends", f"继承关系成环：{loop}")
    _load(base, file.merged, chain)
    file.merged.extends = ref


def _load(path: Path, merged: _Merged, chain: tuple[Path, ...] = ()) -> None:
    """Merge one file of a chain, its bases first, into ``merged``."""
    file = _File(path, merged)
    top = file.read()
    if top is None:
        merged.complete = False
        return
    if "extends" in top:
        try:
            _extend(file, top["extends"], (*chain, path.resolve()))
        except _Invalid:
            merged.complete = False
    merged.source_file = file.label
    if "profile" in top:
        with suppress(_Invalid):
            merged.name = file.typed(top["profile"], "profile", str)
            if merged.name != path.stem or not _NAME.match(merged.name):
                expected = f"应与文件名一致（{path.stem}），只用小写字母、数字和连字符"
                file.report(top["profile"], "profile", expected)
    texts: dict[str, Any] = {}
    for key in ("title_zh", "notes_zh"):
        if key in top:
            file.put(texts, key, top[key], key, str)
    merged.title_zh = texts.get("title_zh", merged.title_zh)
    for key, apply in (
        ("scoring", _scoring),
        ("rates", _rates),
        ("items", _items),
        ("rules", _rules),
    ):
        if key in top:
            with suppress(_Invalid):
                apply(file, top[key])


def _check(merged: _Merged) -> None:
    """Problems only the merged chain shows: what no file of it defines."""
    if "default" not in merged.rates:
        merged.problem_at("rates.default", "缺少默认比率格式（rates.default）")
    for part in ("site", "account"):
        blocks = getattr(merged, part).get("unknown_blocks", ())
        if blocks is not _BAD and (bad := [c for c in blocks if c not in registry.CODES]):
            merged.problem_at(f"scoring.{part}.unknown_blocks", f"未知的指标代码 {'、'.join(bad)}")
    for item_id, values in merged.items.items():
        missing = [key for key in ("name_zh", "points") if key not in values]
        if missing:
            merged.problem_at(f"items.{item_id}", f"指标项缺少 {'、'.join(missing)}")
    for code, values in merged.rules.items():
        where, item = f"rules.{code}", values.get("item")
        if "severity" not in values:
            merged.problem_at(f"{where}.severity", "缺少必填键")
        elif values["severity"] == "deduction" and values.get("enabled", True) is True:
            missing = [key for key in ("points_each", "item") if values.get(key) is None]
            if missing:
                merged.problem_at(where, f"扣分项需要 {'、'.join(missing)}")
        if item not in (None, _BAD) and item not in merged.items:
            merged.problem_at(f"{where}.item", f"未定义的指标项 {item}（items 中没有）")


def _build(merged: _Merged) -> Profile:
    rules = {
        code: Rule(
            code=code,
            enabled=values.get("enabled", True),
            severity=values["severity"],
            params=registry.get(code).params_type(**values["params"]),
            points_each=values.get("points_each"),
            item=values.get("item"),
        )
        for code, values in merged.rules.items()
    }
    return Profile(
        name=merged.name,
        title_zh=merged.title_zh,
        source_file=merged.source_file,
        extends=merged.extends,
        site=SiteScoring(**merged.site),
        account=AccountScoring(**merged.account),
        rates={kind: RateFormat(**values) for kind, values in merged.rates.items()},
        items={k: Item(item_id=k, **values) for k, values in merged.items.items()},
        rules=rules,
    )


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> Profile:
    """A shipped profile by name (``kaifeng-2024``) or any profile file by path.

    Raises ProfileError listing every problem of the file and of the files it extends.
    """
    ref = str(name_or_path)
    path = next((p for p in _candidates(ref, None) if p.is_file()), None)
    if path is None:
        shipped = "、".join(shipped_profiles())
        problem = ProfileProblem(ref, 0, "", f"找不到指标方案（内置方案：{shipped}）")
        raise ProfileError([problem])
    merged = _Merged(source_file=path.name)
    _load(path, merged)
    if merged.complete:
        _check(merged)
    if merged.problems:
        raise ProfileError(merged.problems)
    return _build(merged)


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with the engine."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
