"""An inspection keeps its profile so that later decisions reload the same one."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.engine.profiles import load_profile
from govwatch.web.inspections.services import inspection_run

pytestmark = pytest.mark.django_db


def test_a_relative_profile_file_is_kept_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "overlays"
    folder.mkdir()
    (folder / "city.yaml").write_text(
        "profile: city\ntitle_zh: 某市方案\nextends: cn-national-2019\n", encoding="utf-8"
    )
    monkeypatch.chdir(folder)
    inspection = inspection_run("2024Q3", profile_name="city.yaml")
    assert inspection.profile == str(folder / "city.yaml")
    monkeypatch.chdir(tmp_path)  # finding_decide and reports may run from anywhere
    assert load_profile(inspection.profile).name == "city"
    assert inspection_run("2024Q3").profile == "cn-national-2019"  # a name stays a name
