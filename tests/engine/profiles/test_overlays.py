"""Overlays kept in their own folders: how ``extends`` resolves, and how errors are reported."""

from __future__ import annotations

import pickle
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.profiles import ProfileError, load_profile
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import PROFILE_DIR

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "city-overlay.yaml"
NATIONAL = (PROFILE_DIR / "cn-national-2019.yaml").read_text(encoding="utf-8")
POINT = datetime(2024, 6, 30, 10, 0)


def _text(name: str, extends: str, gap: int | None = None) -> str:
    """A minimal overlay; ``gap`` sets NMA004's max_gap_days so tests see which base won."""
    rules = f"rules:\n  NMA004:\n    params: {{max_gap_days: {gap}}}\n" if gap else ""
    return f"profile: {name}\ntitle_zh: 测试\nextends: {extends}\n{rules}"


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text.replace("{root}", str(root)), encoding="utf-8")


def _problems(path: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return [(p.file, p.line, p.key, p.message) for p in info.value.problems]


# (files under tmp_path, the file loaded, expected extends, expected NMA004 max_gap_days)
RESOLUTION = {
    "shipped-by-name-from-any-folder": (
        {"a/city.yaml": _text("city", "cn-national-2019", 5)},
        "a/city.yaml",
        "cn-national-2019",
        5,
    ),
    "overlay-beside-by-name": (
        {"a/city.yaml": _text("city", "cn-national-2019", 5), "a/town.yaml": _text("town", "city")},
        "a/town.yaml",
        "city",
        5,
    ),
    "overlay-beside-with-yml-suffix": (
        {"a/city.yml": _text("city", "cn-national-2019", 5), "a/town.yaml": _text("town", "city")},
        "a/town.yaml",
        "city",
        5,
    ),
    "relative-path": (
        {
            "a/city.yaml": _text("city", "cn-national-2019", 5),
            "a/towns/town.yaml": _text("town", "../city.yaml"),
        },
        "a/towns/town.yaml",
        "../city.yaml",
        5,
    ),
    "absolute-path": (
        {
            "a/city.yaml": _text("city", "cn-national-2019", 5),
            "b/town.yaml": _text("town", "{root}/a/city.yaml"),
        },
        "b/town.yaml",
        "{root}/a/city.yaml",
        5,
    ),
    "the-overlay-wins-over-its-base": (
        {
            "a/city.yaml": _text("city", "cn-national-2019", 5),
            "a/town.yaml": _text("town", "city", 3),
        },
        "a/town.yaml",
        "city",
        3,
    ),
    "a-file-beside-wins-over-a-shipped-name": (
        {
            "a/cn-national-2019.yaml": NATIONAL.replace(
                "NMA004: {severity: warning, enabled: false}",
                "NMA004: {severity: warning, enabled: false, params: {max_gap_days: 9}}",
            ),
            "a/city.yaml": _text("city", "cn-national-2019"),
        },
        "a/city.yaml",
        "cn-national-2019",
        9,
    ),
}


@pytest.mark.parametrize(("files", "target", "extends", "gap"), RESOLUTION.values(), ids=RESOLUTION)
def test_extends_resolves_beside_then_shipped(
    tmp_path: Path, files: dict[str, str], target: str, extends: str, gap: int
) -> None:
    _write(tmp_path, files)
    profile = load_profile(tmp_path / target)
    assert profile.extends == extends.replace("{root}", str(tmp_path))
    assert profile.rules["NMA004"].params.max_gap_days == gap
    # Everything the chain does not name is the national profile's.
    assert profile.rules["UPD001"] == load_profile().rules["UPD001"]


# The file whose ``extends`` closes the loop is named.
@pytest.mark.parametrize(
    ("files", "closing", "loop"),
    [
        ({"a.yaml": _text("a", "a")}, "a.yaml", "a.yaml → a.yaml"),
        (
            {"a.yaml": _text("a", "b"), "b.yaml": _text("b", "a")},
            "b.yaml",
            "a.yaml → b.yaml → a.yaml",
        ),
        (
            {"a.yaml": _text("a", "b"), "b.yaml": _text("b", "c.yaml"), "c.yaml": _text("c", "b")},
            "c.yaml",
            "a.yaml → b.yaml → c.yaml → b.yaml",
        ),
    ],
    ids=["self", "two", "tail"],
)
def test_a_cycle_in_extends_is_refused(
    tmp_path: Path, files: dict[str, str], closing: str, loop: str
) -> None:
    _write(tmp_path, files)
    assert _problems(tmp_path / "a.yaml") == [(closing, 3, "extends", f"继承关系成环：{loop}")]


HEAD = "profile: city\ntitle_zh: 测试\nextends: cn-national-2019\n"  # lines 1-3
# body after HEAD → the one problem expected: (line, key, part of the message)
ERRORS = {
    "unknown-top-level-key": (
        "scorin:\n  site: {}\n",
        (4, "scorin", "未知的键（可用：dispatch、extends"),
    ),
    "unknown-code": (
        "rules:\n  nma003: {}\n",
        (5, "rules.nma003", "未知的指标代码（相近的有：NMA003、"),
    ),
    "unknown-rule-key": ("rules:\n  UPD001:\n    severty: veto\n", (6, "rules.UPD001.severty", "")),
    "unknown-param": (
        "rules:\n  NMA003:\n    params: {window: 5}\n",
        (6, "rules.NMA003.params.window", "未知的键（可用：window_days）"),
    ),
    "param-of-an-indicator-without-params": (
        "rules:\n  NMA005:\n    params: {days: 5}\n",
        (6, "rules.NMA005.params.days", "未知的键（可用：无）"),
    ),
    "text-for-an-integer": (
        "rules:\n  NMA004:\n    params:\n      max_gap_days: abc\n",
        (7, "rules.NMA004.params.max_gap_days", '应为正整数，实际为 "abc"'),
    ),
    "zero-days": (
        "rules:\n  NMA004:\n    params: {max_gap_days: 0}\n",
        (6, "rules.NMA004.params.max_gap_days", "应为正整数"),
    ),
    "bool-for-an-integer": (
        "rules:\n  UPD004:\n    params: {blank_count_gte: true}\n",
        (6, "rules.UPD004.params.blank_count_gte", '实际为 "true"'),
    ),
    "inside-a-mapping-param": (
        "rules:\n  NMA002:\n    params:\n      min_posts:\n        wechat: two\n",
        (8, "rules.NMA002.params.min_posts.wechat", "应为正整数"),
    ),
    "list-param-given-a-text": (
        "rules:\n  SIT004:\n    params: {allowed_suffixes: .gov.cn}\n",
        (6, "rules.SIT004.params.allowed_suffixes", "应为列表"),
    ),
    "negative-points": (
        "rules:\n  LNK001: {points_each: -1}\n",
        (5, "rules.LNK001.points_each", "应为非负数值"),
    ),
    "bad-severity": (
        "rules:\n  UPD001: {severity: fatal}\n",
        (5, "rules.UPD001.severity", "取值应为 veto / deduction / warning"),
    ),
    "info-is-no-profile-severity": (
        "rules:\n  UPD001: {severity: info}\n",
        (5, "rules.UPD001.severity", 'veto / deduction / warning，实际为 "info"'),
    ),
    "enabled-not-a-bool": (
        "rules:\n  NMA003: {enabled: yes please}\n",
        (5, "rules.NMA003.enabled", "布尔值"),
    ),
    "duplicate-rule": (
        "rules:\n  NMA003: {enabled: true}\n  NMA003: {enabled: false}\n",
        (6, "rules.NMA003", "键重复"),
    ),
    "deduction-without-points": (
        "rules:\n  SIT003: {severity: deduction}\n",
        (5, "rules.SIT003", "扣分项需要 points_each、item"),
    ),
    "missing-item": (
        "rules:\n  SIT003:\n    severity: deduction\n    points_each: 1\n    item: nowhere\n",
        (8, "rules.SIT003.item", "未定义的指标项 nowhere"),
    ),
    "item-without-points": (
        "items:\n  extra: {name_zh: 附加}\n",
        (5, "items.extra", "指标项缺少 points"),
    ),
    "bad-item-id": (
        "items:\n  Extra: {name_zh: 附加, points: 1}\n",
        (5, "items.Extra", "标识应为"),
    ),
    "bad-rounding": (
        "rates:\n  default: {decimals: 1, rounding: up}\n",
        (5, "rates.default.rounding", "取值应为 half_up / truncate"),
    ),
    "too-many-decimals": (
        "rates:\n  default: {decimals: 5, rounding: half_up}\n",
        (5, "rates.default.decimals", "应为介于 0 和 4 之间的整数"),
    ),
    "half-a-rate-format": (
        "rates:\n  pass_rate: {decimals: 1}\n",
        (5, "rates.pass_rate.rounding", "缺少必填键"),
    ),
    "unknown-scoring-key": (
        "scoring:\n  site: {pass_line: 60}\n",
        (5, "scoring.site.pass_line", "未知的键"),
    ),
    "unknown-code-in-scoring": (
        "scoring:\n  site: {unknown_blocks: [SIT999]}\n",
        (5, "scoring.site.unknown_blocks", "未知的指标代码 SIT999"),
    ),
    "yaml-syntax": ("rules:\n  NMA003: {enabled: true\n", (6, "", "YAML 语法错误")),
    "not-a-mapping": ("rules: [NMA003]\n", (4, "rules", "应为映射（键: 值），实际为 列表")),
    "unknown-tag": (
        "rules:\n  NMA004:\n    params: {max_gap_days: !days 5}\n",
        (6, "rules.NMA004.params.max_gap_days", "无法识别的值"),
    ),
}


@pytest.mark.parametrize(("body", "expected"), ERRORS.values(), ids=ERRORS)
def test_each_error_names_file_line_and_key(
    tmp_path: Path, body: str, expected: tuple[int, str, str]
) -> None:
    (tmp_path / "city.yaml").write_text(HEAD + body, encoding="utf-8")
    [(file, line, key, message)] = _problems(tmp_path / "city.yaml")
    assert (file, line, key) == ("city.yaml", *expected[:2])
    assert expected[2] in message


FILE_ERRORS = {
    "misnamed": (HEAD.replace("city", "town"), (1, "profile", "应与文件名一致（city）")),
    "missing-title": (HEAD.replace("title_zh: 测试\n", ""), (1, "title_zh", "缺少必填键")),
    "missing-base": (
        "profile: city\ntitle_zh: 测试\nextends: nope\n",
        (3, "extends", "找不到基础配置 nope"),
    ),
    "no-default-rate": (
        "profile: city\ntitle_zh: 测试\n",
        (0, "rates.default", "缺少默认比率格式"),
    ),
    "empty": ("", (0, "", "文件为空")),
    "not-a-mapping": ("- profile\n", (1, "", "应为映射")),
}


@pytest.mark.parametrize(("text", "expected"), FILE_ERRORS.values(), ids=FILE_ERRORS)
def test_errors_of_the_file_as_a_whole(
    tmp_path: Path, text: str, expected: tuple[int, str, str]
) -> None:
    (tmp_path / "city.yaml").write_text(text, encoding="utf-8")
    [(file, line, key, message)] = _problems(tmp_path / "city.yaml")
    assert (file, line, key) == ("city.yaml", *expected[:2])
    assert expected[2] in message


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        "scorin: {}\n"  # 4
        "rules:\n"
        "  NMA004:\n"
        "    enabled: true\n"
        "    params: {max_gap_days: abc}\n"  # 8
        "  XYZ001: {}\n"  # 9
        "  SIT003: {severity: deduction, points_each: 1, item: nowhere}\n"  # 10
        "  UPD001: {severity: fatal}\n"  # 11
    )
    (tmp_path / "city-2025.yaml").write_text(HEAD.replace("city", "city-2025") + body, "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(tmp_path / "city-2025.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "共 5 处错误："
    assert lines[1:] == [
        "  city-2025.yaml 第4行 scorin：未知的键（可用：dispatch、extends、items、notes_zh、profile、rates、rules、scoring、title_zh）",
        '  city-2025.yaml 第8行 rules.NMA004.params.max_gap_days：应为正整数，实际为 "abc"',
        "  city-2025.yaml 第9行 rules.XYZ001：未知的指标代码（相近的有：TXT001）",
        '  city-2025.yaml 第11行 rules.UPD001.severity：取值应为 veto / deduction / warning，实际为 "fatal"',
        "  city-2025.yaml 第10行 rules.SIT003.item：未定义的指标项 nowhere（items 中没有）",
    ]
    assert [p.line for p in info.value.problems] == [4, 8, 9, 11, 10]
    # A worker process hands the error back whole.
    assert pickle.loads(pickle.dumps(info.value)).problems == info.value.problems


def test_errors_in_base_and_overlay_are_reported_together(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "base.yaml": "profile: base\ntitle_zh: 基础\nextends: cn-national-2019\n"
            "rules:\n  UPD001:\n    params: {window_days: 1.5}\n",
            "town.yaml": _text("town", "base") + "rules:\n  NMA003: {enabled: maybe}\n",
        },
    )
    problems = _problems(tmp_path / "town.yaml")
    assert [(file, line, key) for file, line, key, _ in problems] == [
        ("base.yaml", 6, "rules.UPD001.params.window_days"),
        ("town.yaml", 5, "rules.NMA003.enabled"),
    ]


def test_an_overlay_of_an_unreadable_base_is_still_checked(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "base.yaml": "profile: base\ntitle_zh: [\n",
            "town.yaml": _text("town", "base") + "rules:\n  NMA030: {}\n",
        },
    )
    problems = _problems(tmp_path / "town.yaml")
    assert [(file, key) for file, _, key, _ in problems] == [
        ("base.yaml", ""),
        ("town.yaml", "rules.NMA030"),
    ]


def test_an_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError) as info:
        load_profile("nowhere-2024")
    assert str(info.value).startswith("nowhere-2024：找不到指标方案（内置方案：cn-national-2019、")


def _rhythm_findings(profile_ref: str | Path, empty_days: int) -> list[str]:
    """NMA003 findings for posts 10 days and 0 days before the point, and one between."""
    posts = (POINT - timedelta(days=10), POINT - timedelta(days=9 - empty_days), POINT)
    account = AccountObservation("A1", "wechat", "示例发布", posts, True, True)
    ctx = CheckContext(POINT, period_start=POINT.date() - timedelta(days=10))
    return [f.code for f in run_checks(load_profile(profile_ref), account, ctx)]


def test_the_worked_example_adds_the_five_day_rhythm_and_nothing_else() -> None:
    city, national = load_profile(EXAMPLE), load_profile()
    assert (city.name, city.extends) == ("city-overlay", "cn-national-2019")
    rhythm = city.rules["NMA003"]
    assert rhythm.enabled and rhythm.severity == "warning" and rhythm.params.window_days == 5
    assert not national.rules["NMA003"].enabled
    assert {k: v for k, v in city.rules.items() if k != "NMA003"} == {
        k: v for k, v in national.rules.items() if k != "NMA003"
    }
    assert city.rate_format("pass_rate").rounding == "truncate"
    # Five empty natural days in a row are a problem in the city, four are not; the
    # national profile lists neither.
    assert _rhythm_findings(EXAMPLE, 5) == ["NMA003"]
    assert _rhythm_findings(EXAMPLE, 4) == []
    assert _rhythm_findings("cn-national-2019", 5) == []


def test_the_docs_show_the_example_file_and_a_district_that_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") in doc
    district = re.search(r"```yaml\n(profile: city-overlay-district\n.*?)```", doc, re.S)
    assert district is not None
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    (tmp_path / "city-overlay-district.yaml").write_text(district.group(1), encoding="utf-8")
    profile = load_profile(tmp_path / "city-overlay-district.yaml")
    assert profile.extends == "city-overlay" and profile.rules["NMA003"].params.window_days == 5
    assert profile.rules["NMA004"].enabled
