"""Load and validate indicator profiles (YAML).

Every profile file is checked on its own before it is merged into its base, so an
error always names the file, the line and the key that is wrong::

    kaifeng-2024.yaml:12: rules.NMA002.params.min_post: 未知参数（可用：min_posts, window_days）

The checks use PyYAML's node marks, so line numbers are those of the file as written.
Overlays (``extends``) may change severities, parameters, points and items, and may
switch rules on or off; everything else comes from the base.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
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
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names file, line and key."""

    def __init__(self, file: str, line: int, key: str, message: str) -> None:
        self.file, self.line, self.key = file, line, key
        super().__init__(f"{file}:{line}: {key}: {message}")


class _File:
    """One YAML file being validated: turns nodes into values or ProfileErrors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = path.name
        self._constructor = SafeConstructor()

    def fail(self, node: Node, key: str, message: str) -> ProfileError:
        return ProfileError(self.label, node.start_mark.line + 1, key, message)

    def mapping(
        self, node: Node, key: str, allowed: Mapping[str, bool] | None = None
    ) -> dict[str, Node]:
        """Keys of a mapping node; ``allowed`` maps each permitted key to "required"."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, key, "应为映射（key: value）")
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            where = f"{key}.{name}" if key else name
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, key, "键必须是字符串")
            if allowed is not None and name not in allowed:
                raise self.fail(key_node, where, f"未知的键（可用：{', '.join(sorted(allowed))}）")
            if name in result:
                raise self.fail(key_node, where, "键重复")
            result[name] = value_node
        for name, required in (allowed or {}).items():
            if required and name not in result:
                raise self.fail(node, f"{key}.{name}" if key else name, "缺少必填键")
        return result

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def typed(self, node: Node, key: str, hint: Any) -> Any:
        """The node's value checked against a type hint of a Params/scoring field."""
        origin, args = get_origin(hint), get_args(hint)
        if origin is Literal:
            value = self.value(node) if isinstance(node, ScalarNode) else None
            if value not in args:
                raise self.fail(node, key, f"取值应为 {' / '.join(map(str, args))}")
            return value
        if origin is tuple:
            if not isinstance(node, SequenceNode):
                raise self.fail(node, key, "应为列表")
            return tuple(self.typed(item, key, args[0]) for item in node.value)
        if isinstance(origin, type) and issubclass(origin, Mapping):
            entries = self.mapping(node, key)
            return {name: self.typed(n, f"{key}.{name}", args[1]) for name, n in entries.items()}
        if args and type(None) in args:  # X | None
            if isinstance(node, ScalarNode) and self.value(node) is None:
                return None
            return self.typed(node, key, next(a for a in args if a is not type(None)))
        value = self.value(node) if isinstance(node, ScalarNode) else node
        if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if hint in (int, str, bool) and type(value) is hint:
            return value
        names = {int: "整数", float: "数值", str: "字符串", bool: "布尔值（true/false）"}
        raise self.fail(node, key, f"类型错误：应为{names.get(hint, str(hint))}")


def _read(path: Path) -> tuple[_File, dict[str, Node]]:
    file = _File(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise ProfileError(path.name, line, "-", f"YAML 语法错误：{exc.problem}") from exc
    if root is None:
        raise ProfileError(path.name, 1, "-", "文件为空")
    top = file.mapping(
        root,
        "",
        {
            "profile": True,
            "title_zh": True,
            "extends": False,
            "notes_zh": False,
            "scoring": False,
            "rates": False,
            "items": False,
            "rules": False,
        },
    )
    name = file.typed(top["profile"], "profile", str)
    if name != path.stem or not _NAME.match(name):
        raise file.fail(top["profile"], "profile", f"应与文件名一致（{path.stem}）")
    return file, top


def _scoring(file: _File, node: Node, raw: dict[str, Any]) -> None:
    parts = file.mapping(node, "scoring", {"site": False, "account": False})
    for part, cls in (("site", SiteScoring), ("account", AccountScoring)):
        if part in parts:
            hints = get_type_hints(cls)
            allowed = {f.name: False for f in fields(cls)}
            for key, n in file.mapping(parts[part], f"scoring.{part}", allowed).items():
                raw[part][key] = file.typed(n, f"scoring.{part}.{key}", hints[key])


def _rates(file: _File, node: Node, raw: dict[str, RateFormat]) -> None:
    hints = get_type_hints(RateFormat)
    for kind, n in file.mapping(node, "rates").items():
        where = f"rates.{kind}"
        if not _IDENT.match(kind):
            raise file.fail(n, where, "比率类别应为小写英文标识符")
        entries = file.mapping(n, where, {"decimals": True, "rounding": True})
        decimals = file.typed(entries["decimals"], f"{where}.decimals", hints["decimals"])
        if not 0 <= decimals <= 4:
            raise file.fail(entries["decimals"], f"{where}.decimals", "小数位应在 0–4 之间")
        raw[kind] = RateFormat(
            decimals, file.typed(entries["rounding"], f"{where}.rounding", hints["rounding"])
        )


def _items(file: _File, node: Node, raw: dict[str, dict[str, Any]]) -> None:
    hints = get_type_hints(Item)
    allowed = {"name_zh": False, "points": False, "block": False, "status": False}
    for item_id, n in file.mapping(node, "items").items():
        where = f"items.{item_id}"
        if not _IDENT.match(item_id):
            raise file.fail(n, where, "指标项标识应为小写英文标识符")
        merged = raw.setdefault(item_id, {})
        for key, v in file.mapping(n, where, allowed).items():
            merged[key] = file.typed(v, f"{where}.{key}", hints[key])


def _rules(file: _File, node: Node, raw: dict[str, dict[str, Any]]) -> None:
    allowed = {
        "enabled": False,
        "severity": False,
        "params": False,
        "points_each": False,
        "item": False,
    }
    hints = get_type_hints(Rule)
    for code, n in file.mapping(node, "rules").items():
        where = f"rules.{code}"
        if code not in registry.CODES:
            raise file.fail(n, where, "未知的指标代码")
        merged = raw.setdefault(code, {"params": {}})
        merged["where"] = (file.label, n.start_mark.line + 1)
        for key, v in file.mapping(n, where, allowed).items():
            if key == "params":
                merged["params"].update(_params(file, v, f"{where}.params", code))
            elif key == "severity":
                value = file.typed(v, f"{where}.severity", hints["severity"])
                if value == "info":
                    raise file.fail(v, f"{where}.severity", "取值应为 veto / deduction / warning")
                merged[key] = value
            else:
                merged[key] = file.typed(v, f"{where}.{key}", hints[key])


def _params(file: _File, node: Node, where: str, code: str) -> dict[str, Any]:
    params_type = registry.get(code).params_type
    hints = get_type_hints(params_type)
    names = {f.name: False for f in fields(params_type)}
    if not names:
        names = {}
    entries = file.mapping(node, where, names)
    return {key: file.typed(v, f"{where}.{key}", hints[key]) for key, v in entries.items()}


def _resolve(name_or_path: str | Path) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate
    return PROFILE_DIR / f"{name_or_path}.yaml"


def _load_raw(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    file, top = _read(path)
    if "extends" in top and file.value(top["extends"]) is not None:
        base_name = file.typed(top["extends"], "extends", str)
        base_path = path.parent / f"{base_name}.yaml"
        if base_path in chain or base_path == path:
            raise file.fail(top["extends"], "extends", "继承关系成环")
        if not base_path.exists():
            raise file.fail(top["extends"], "extends", f"找不到基础配置 {base_path.name}")
        raw = _load_raw(base_path, (*chain, path))
        raw["extends"] = base_name
    else:
        raw = {"extends": None, "site": {}, "account": {}, "rates": {}, "items": {}, "rules": {}}
    raw["name"] = file.value(top["profile"])
    raw["title_zh"] = file.typed(top["title_zh"], "title_zh", str)
    raw["source_file"] = path.name
    if "scoring" in top:
        _scoring(file, top["scoring"], raw)
    if "rates" in top:
        _rates(file, top["rates"], raw["rates"])
    if "items" in top:
        _items(file, top["items"], raw["items"])
    if "rules" in top:
        _rules(file, top["rules"], raw["rules"])
    return raw


def _build(raw: dict[str, Any]) -> Profile:
    label = raw["source_file"]
    if "default" not in raw["rates"]:
        raise ProfileError(label, 1, "rates.default", "缺少默认比率格式")
    items: dict[str, Item] = {}
    for item_id, values in raw["items"].items():
        if "name_zh" not in values or "points" not in values:
            raise ProfileError(label, 1, f"items.{item_id}", "指标项需要 name_zh 和 points")
        items[item_id] = Item(item_id=item_id, **values)
    rules: dict[str, Rule] = {}
    for code, values in raw["rules"].items():
        file_label, line = values["where"]
        indicator = registry.get(code)
        severity = values.get("severity")
        if severity is None:
            raise ProfileError(file_label, line, f"rules.{code}.severity", "缺少必填键")
        if severity == "deduction" and values.get("enabled", True):
            item = values.get("item")
            if values.get("points_each") is None or item is None:
                raise ProfileError(
                    file_label, line, f"rules.{code}", "扣分项需要 points_each 和 item"
                )
            if item not in items:
                raise ProfileError(file_label, line, f"rules.{code}.item", f"未定义的指标项 {item}")
        rules[code] = Rule(
            code=code,
            enabled=values.get("enabled", True),
            severity=severity,
            params=indicator.params_type(**values["params"]),
            points_each=values.get("points_each"),
            item=values.get("item"),
        )
    return Profile(
        name=raw["name"],
        title_zh=raw["title_zh"],
        source_file=label,
        extends=raw["extends"],
        site=SiteScoring(**raw["site"]),
        account=AccountScoring(**raw["account"]),
        rates=dict(raw["rates"]),
        items=items,
        rules=rules,
    )


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Load a shipped profile by name (``kaifeng-2024``) or any profile file by path."""
    path = _resolve(name_or_path)
    if not path.exists():
        raise ProfileError(path.name, 0, "-", "配置文件不存在")
    return _build(_load_raw(path, ()))


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with the engine."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
