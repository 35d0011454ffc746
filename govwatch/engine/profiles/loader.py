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
from contextlib import suppress
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal, get_type_hints

from yaml.nodes import Node

from govwatch.engine.checks import registry
from govwatch.engine.profiles.model import (
    AccountScoring,
    Dispatch,
    Item,
    Profile,
    RateFormat,
    Rule,
    SiteScoring,
)
from govwatch.engine.profiles.yamlnodes import (
    BAD,
    Invalid,
    Merged,
    ProfileError,
    ProfileProblem,
    YamlFile,
)

PROFILE_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = "cn-national-2019"
SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# "info" is what a check itself reports for unknowns; a profile cannot choose it.
_RuleSeverity = Literal["veto", "deduction", "warning"]
# Top-level keys, each mapped to "required".
_OPTIONAL = ("extends", "notes_zh", "scoring", "dispatch", "rates", "items", "rules")
_TOP = {"profile": True, "title_zh": True, **dict.fromkeys(_OPTIONAL, False)}


def _scoring(file: YamlFile, node: Node) -> None:
    parts = file.mapping(node, "scoring", {"site": False, "account": False})
    for part, cls in (("site", SiteScoring), ("account", AccountScoring)):
        if part in parts:
            with suppress(Invalid):
                file.merge_fields(parts[part], f"scoring.{part}", cls, getattr(file.merged, part))


def _dispatch(file: YamlFile, node: Node) -> None:
    with suppress(Invalid):
        file.merge_fields(node, "dispatch", Dispatch, file.merged.dispatch)


def _rates(file: YamlFile, node: Node) -> None:
    for kind, where, n in file.entries(node, "rates"):
        with suppress(Invalid):
            # Both keys are required: an overlay gives a rate format whole.
            target = file.merged.rates.setdefault(kind, {})
            file.merge_fields(n, where, RateFormat, target, required=True)


def _items(file: YamlFile, node: Node) -> None:
    for item_id, where, n in file.entries(node, "items"):
        with suppress(Invalid):
            target = file.merged.items.setdefault(item_id, {})
            file.merge_fields(n, where, Item, target, skip="item_id")


def _rules(file: YamlFile, node: Node) -> None:
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
        with suppress(Invalid):
            for key, v in file.mapping(n, where, allowed).items():
                if key == "params":
                    # Parameters merge one by one: an overlay names only those it changes.
                    with suppress(Invalid):
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


def _extend(file: YamlFile, node: Node, chain: tuple[Path, ...]) -> None:
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


def _load(path: Path, merged: Merged, chain: tuple[Path, ...] = ()) -> None:
    """Merge one file of a chain, its bases first, into ``merged``."""
    file = YamlFile(path, merged)
    top = file.read(_TOP)
    if top is None:
        merged.complete = False
        return
    if "extends" in top:
        try:
            _extend(file, top["extends"], (*chain, path.resolve()))
        except Invalid:
            merged.complete = False
    merged.source_file = file.label
    if "profile" in top:
        with suppress(Invalid):
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
        ("dispatch", _dispatch),
        ("rates", _rates),
        ("items", _items),
        ("rules", _rules),
    ):
        if key in top:
            with suppress(Invalid):
                apply(file, top[key])


def _check(merged: Merged) -> None:
    """Problems only the merged chain shows: what no file of it defines."""
    if "default" not in merged.rates:
        merged.problem_at("rates.default", "缺少默认比率格式（rates.default）")
    for part in ("site", "account"):
        blocks = getattr(merged, part).get("unknown_blocks", ())
        if blocks is not BAD and (bad := [c for c in blocks if c not in registry.CODES]):
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
        if item not in (None, BAD) and item not in merged.items:
            merged.problem_at(f"{where}.item", f"未定义的指标项 {item}（items 中没有）")


def _build(merged: Merged) -> Profile:
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
        dispatch=Dispatch(**merged.dispatch),
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
    merged = Merged(source_file=path.name)
    _load(path, merged)
    if merged.complete:
        _check(merged)
    if merged.problems:
        raise ProfileError(merged.problems)
    return _build(merged)


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with the engine."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
