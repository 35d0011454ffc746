"""Profiles load, layer, and refuse bad files with file, line and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govwatch.engine.profiles.loader import (
    PROFILE_DIR,
    ProfileError,
    load_profile,
    shipped_profiles,
)


def _overlay(tmp_path: Path, name: str, body: str) -> Path:
    shutil.copy(PROFILE_DIR / "cn-national-2019.yaml", tmp_path / "cn-national-2019.yaml")
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"profile: {name}\ntitle_zh: 测试\nextends: cn-national-2019\n{body}", encoding="utf-8"
    )
    return path


def _error(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return info.value


def test_default_profile_is_the_national_one() -> None:
    profile = load_profile()
    assert profile.name == "cn-national-2019"
    assert profile.rules["UPD001"].severity == "veto"
    assert profile.rules["LNK002"].points_each == 0.1
    assert profile.site.service_block_points == 25
    assert not profile.rules["NMA002"].enabled


def test_every_shipped_profile_loads() -> None:
    names = shipped_profiles()
    assert {"cn-national-2019", "golmud-2024", "kaifeng-2024", "shaanxi-2024"} <= set(names)
    for name in names:
        assert load_profile(name).name == name


def test_overlays_change_only_what_they_name() -> None:
    national, golmud = load_profile("cn-national-2019"), load_profile("golmud-2024")
    assert golmud.extends == "cn-national-2019"
    assert golmud.rules["NMA003"].enabled and golmud.rules["NMA003"].params.window_days == 5
    assert golmud.rules["NMA004"].params.max_gap_days == 7
    assert golmud.rules["UPD001"] == national.rules["UPD001"]
    kaifeng = load_profile("kaifeng-2024")
    assert kaifeng.rules["NMA002"].enabled
    assert dict(kaifeng.rules["NMA002"].params.min_posts) == {"wechat": 2, "weibo": 2, "douyin": 1}
    assert kaifeng.rate_format("pass_rate").rounding == "truncate"
    assert kaifeng.rate_format("adoption_rate").rounding == "half_up"


def test_overlay_params_merge_key_by_key(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "local", "rules:\n  UPD001:\n    params: {warn_after_days: 7}\n")
    params = load_profile(path).rules["UPD001"].params
    assert (params.window_days, params.warn_after_days) == (14, 7)


def test_bad_top_level_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "local", "scorin:\n  site: {}\n")
    error = _error(path)
    assert (error.file, error.line, error.key) == ("local.yaml", 4, "scorin")
    assert str(error).startswith("local.yaml:4: scorin: 未知的键")


def test_bad_rule_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "local", "rules:\n  UPD001:\n    severty: veto\n")
    error = _error(path)
    assert (error.file, error.line, error.key) == ("local.yaml", 6, "rules.UPD001.severty")


def test_unknown_code_is_refused(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "local", "rules:\n  UPD001: {severity: veto}\n  XYZ001: {}\n")
    error = _error(path)
    assert (error.file, error.line, error.key) == ("local.yaml", 6, "rules.XYZ001")
    assert "未知的指标代码" in str(error)


def test_wrong_param_type_is_refused(tmp_path: Path) -> None:
    body = "rules:\n  UPD001:\n    params:\n      window_days: 两周\n"
    error = _error(_overlay(tmp_path, "local", body))
    assert (error.file, error.line, error.key) == (
        "local.yaml",
        7,
        "rules.UPD001.params.window_days",
    )
    assert "类型错误" in str(error)


def test_bool_is_not_an_int(tmp_path: Path) -> None:
    body = "rules:\n  UPD004:\n    params: {blank_count_gte: true}\n"
    error = _error(_overlay(tmp_path, "local", body))
    assert error.key == "rules.UPD004.params.blank_count_gte"


def test_unknown_param_is_refused(tmp_path: Path) -> None:
    body = "rules:\n  NMA002:\n    params:\n      min_post: {wechat: 3}\n"
    error = _error(_overlay(tmp_path, "local", body))
    assert (error.line, error.key) == (7, "rules.NMA002.params.min_post")
    assert "min_posts" in str(error)


def test_wrong_type_inside_a_mapping_param(tmp_path: Path) -> None:
    body = "rules:\n  NMA002:\n    params:\n      min_posts:\n        wechat: two\n"
    error = _error(_overlay(tmp_path, "local", body))
    assert (error.line, error.key) == (8, "rules.NMA002.params.min_posts.wechat")


def test_bad_severity_and_rounding_are_refused(tmp_path: Path) -> None:
    error = _error(_overlay(tmp_path, "local", "rules:\n  UPD001: {severity: fatal}\n"))
    assert error.key == "rules.UPD001.severity"
    error = _error(_overlay(tmp_path, "local2", "rates:\n  default: {decimals: 1, rounding: up}\n"))
    assert (error.file, error.key) == ("local2.yaml", "rates.default.rounding")


def test_a_deduction_needs_points_and_an_item(tmp_path: Path) -> None:
    error = _error(_overlay(tmp_path, "local", "rules:\n  SIT003: {severity: deduction}\n"))
    assert (error.file, error.line, error.key) == ("local.yaml", 5, "rules.SIT003")
    body = "rules:\n  SIT003: {severity: deduction, points_each: 1, item: nowhere}\n"
    error = _error(_overlay(tmp_path, "local2", body))
    assert error.key == "rules.SIT003.item"


def test_errors_in_the_base_name_the_base_file(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "profile: base\ntitle_zh: 基础\nrates:\n  default: {decimals: 2, rounding: half_up}\n"
        "rules:\n  UPD001:\n    severity: veto\n    params: {window_days: 1.5}\n",
        encoding="utf-8",
    )
    (tmp_path / "top.yaml").write_text(
        "profile: top\ntitle_zh: 上层\nextends: base\n", encoding="utf-8"
    )
    error = _error(tmp_path / "top.yaml")
    assert (error.file, error.line, error.key) == (
        "base.yaml",
        8,
        "rules.UPD001.params.window_days",
    )


def test_cycles_missing_bases_and_misnamed_profiles_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("profile: a\ntitle_zh: A\nextends: b\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("profile: b\ntitle_zh: B\nextends: a\n", encoding="utf-8")
    assert "成环" in str(_error(tmp_path / "a.yaml"))
    (tmp_path / "c.yaml").write_text("profile: c\ntitle_zh: C\nextends: nope\n", encoding="utf-8")
    assert _error(tmp_path / "c.yaml").key == "extends"
    (tmp_path / "d.yaml").write_text("profile: e\ntitle_zh: D\n", encoding="utf-8")
    assert _error(tmp_path / "d.yaml").key == "profile"


def test_missing_required_key_and_yaml_syntax(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("profile: f\n", encoding="utf-8")
    assert _error(tmp_path / "f.yaml").key == "title_zh"
    (tmp_path / "g.yaml").write_text("profile: g\ntitle_zh: [unclosed\n", encoding="utf-8")
    assert "YAML" in str(_error(tmp_path / "g.yaml"))
