"""Typed reading of profile YAML, node by node, with every problem recorded.

``YamlFile`` turns the nodes of one file into checked values (against the type hints of the
model's and the indicators' dataclasses) and records a ``ProfileProblem`` with file, line
and key for each bad value instead of stopping at the first; ``Merged`` collects the
values of a whole ``extends`` chain. The loader (loader.py) decides what goes where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
# Stands for a value already reported, so the checks of the merged profile neither
# report it again as missing nor use it.
BAD: Any = object()


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


class Invalid(Exception):
    """Raised after a problem is recorded, to skip the value that holds it."""


@dataclass
class Merged:
    """Raw values of a chain, base first, and where (file, line) each key was last set."""

    source_file: str
    extends: str | None = None
    name: str = ""
    title_zh: str = ""
    site: dict[str, Any] = field(default_factory=dict)
    account: dict[str, Any] = field(default_factory=dict)
    dispatch: dict[str, Any] = field(default_factory=dict)
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


class YamlFile:
    """One YAML file of a chain: turns nodes into checked values or recorded problems."""

    def __init__(self, path: Path, merged: Merged) -> None:
        self.path, self.label, self.merged = path, path.name, merged
        self._constructor = SafeConstructor()

    def report(self, node: Node, key: str, message: str) -> Invalid:
        self.merged.problems.append(
            ProfileProblem(self.label, node.start_mark.line + 1, key, message)
        )
        return Invalid()

    def read(self, top: Mapping[str, bool]) -> dict[str, Node] | None:
        """The top-level keys (TOP maps each allowed key to "required"), or None
        (reported) when the file cannot be used at all."""
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
                with suppress(Invalid):
                    return self.mapping(root, "", top)
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
        """Set ``target[name]`` from the node (``BAD`` when reported) and note where."""
        self.merged.where[key] = (self.label, node.start_mark.line + 1)
        try:
            target[name] = self.typed(node, key, hint)
        except Invalid:
            target[name] = BAD

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
