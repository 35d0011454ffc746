"""docs/indicators/ is generated from the registry and must not be stale."""

from __future__ import annotations

from pathlib import Path

from govwatch.engine.checks import docgen, registry


def test_catalogue_is_up_to_date() -> None:
    stale = docgen.stale_files()
    assert not stale, f"过期文件 {stale}：请运行 python -m govwatch.engine.checks.docgen"


def test_catalogue_has_one_page_per_code_and_an_index() -> None:
    pages = docgen.render()
    assert set(pages) == {"README.md"} | {f"{code}.md" for code in registry.CODES}
    for code in registry.CODES:
        assert f"[{code}]({code}.md)" in pages["README.md"]


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    docgen.write(tmp_path)
    assert docgen.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "UPD001.md").write_text("旧内容", encoding="utf-8")
    (tmp_path / "OLD001.md").write_text("已删除的指标", encoding="utf-8")
    assert docgen.stale_files(tmp_path) == ["OLD001.md", "UPD001.md"]
    assert docgen.main(["--check", "--out", str(tmp_path)]) == 1
    docgen.write(tmp_path)
    assert not (tmp_path / "OLD001.md").exists()
    assert docgen.stale_files(tmp_path) == []
