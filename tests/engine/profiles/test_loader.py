"""Shipped profiles load and layer; overlays and error reports are in test_overlays.py."""

from __future__ import annotations

from pathlib import Path

from govwatch.engine.profiles.loader import PROFILE_DIR, load_profile, shipped_profiles


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
        assert load_profile(PROFILE_DIR / f"{name}.yaml") == load_profile(name)


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
    path = tmp_path / "local.yaml"
    path.write_text(
        "profile: local\ntitle_zh: 测试\nextends: cn-national-2019\n"
        "rules:\n  UPD001:\n    params: {warn_after_days: 7}\n",
        encoding="utf-8",
    )
    params = load_profile(path).rules["UPD001"].params
    assert (params.window_days, params.warn_after_days) == (14, 7)
