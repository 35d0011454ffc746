"""Bad statistics files are refused whole: row and column named, the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.web.statistics.services import StatisticsImportError, statistics_import
from tests.helpers import load_demo_registry, read_seed, seed_path, write_csv
from tests.web.statistics import helpers as H

pytestmark = pytest.mark.django_db

A1 = "000_a1_office_system_usage.csv"
A4 = "003_a4_portal_submissions.csv"


@pytest.fixture(autouse=True)
def _loaded() -> None:
    """Demo registry plus good imports, so 'unchanged' covers an existing batch too."""
    load_demo_registry()
    statistics_import(seed_path(A1), "office_documents", period="2024Q2", scope=H.GOLMUD)
    statistics_import(seed_path(A4), "portal_submissions", period="2024Q1", scope=H.KAIFENG)
    assert len(H.snapshot()["StatisticsRow"]) == 30 + 43


def refused(path: Path, kind: str, period: str, scope: str | None = None) -> list[str]:
    """The errors of a refused import, which left the database as it was."""
    before = H.snapshot()
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(path, kind, period=period, scope=scope)
    assert H.snapshot() == before
    return caught.value.errors


def test_unknown_unit_is_refused_with_row_and_column(tmp_path: Path) -> None:
    path = H.copy_seed(A1, tmp_path / "a1.csv", {(4, "department"): "市星际旅行局"})
    errors = refused(path, "office_documents", "2024Q2", H.GOLMUD)
    assert len(errors) == 1
    assert errors[0].startswith("「a1」第6行「部门」列：未登记的单位「市星际旅行局」")


def test_short_name_without_scope_is_refused_as_ambiguous(tmp_path: Path) -> None:
    # 市公安局 is a bureau in Golmud and in Kaifeng: only the scope says which.
    rows = read_seed(A1)
    at = next(i for i, r in enumerate(rows) if r["department"] == "市公安局")
    errors = refused(seed_path(A1), "office_documents", "2024Q2")
    mine = [
        e for e in errors if e.startswith(f"「000_a1_office_system_usage」第{at + 2}行「部门」列")
    ]
    assert len(mine) == 1 and "有歧义" in mine[0] and "开封市公安局" in mine[0]


def test_negative_count_is_refused_with_row_and_column(tmp_path: Path) -> None:
    path = H.copy_seed(
        A4, tmp_path / "a4.csv", {(2, "items_adopted"): "-5", (7, "items_submitted"): "十"}
    )
    errors = refused(path, "portal_submissions", "2024Q1", H.KAIFENG)
    assert errors == [
        "「a4」第4行「采用信息」列：数量不能为负数（-5）",
        "「a4」第9行「报送信息」列：应为整数，实际为「十」",
    ]


def test_wrong_headers_are_refused_with_the_column(tmp_path: Path) -> None:
    rows = read_seed(A1)
    path = write_csv(
        tmp_path / "a1.csv",
        ["序号", "部门名称", "收文（份）", "发文（份）"],
        [[r["seq"], r["department"], r["documents_received"], r["documents_sent"]] for r in rows],
    )
    errors = refused(path, "office_documents", "2024Q2", H.GOLMUD)
    assert errors == [
        "「a1」第1行「部门名称」列：未知列名，「协同办公系统收发文统计」不包含此列",
        "「a1」第1行「部门」列：缺少必填列（department）",
    ]


def test_same_unit_twice_under_two_spellings_is_refused(tmp_path: Path) -> None:
    rows = read_seed(A1)
    at = next(i for i, r in enumerate(rows) if r["department"] == "市公安局")
    path = H.copy_seed(A1, tmp_path / "a1.csv", {(at + 1, "department"): "公安局"})
    errors = refused(path, "office_documents", "2024Q2", H.GOLMUD)
    assert len(errors) == 1 and f"与第{at + 2}行重复" in errors[0]
    assert errors[0].startswith(f"「a1」第{at + 3}行「部门」列：单位「公安局」")


def test_bad_period_kind_scope_and_empty_file(tmp_path: Path) -> None:
    seed = seed_path(A1)
    assert "统计期" in refused(seed, "office_documents", "下半年")[0]
    assert "未知的统计类型" in refused(seed, "weather", "2024Q2")[0]
    assert refused(seed, "office_documents", "2024Q2", "火星市人民政府")[0].startswith("--scope")
    empty = write_csv(tmp_path / "e.csv", ["部门", "收文（份）", "发文（份）"], [])
    assert "没有数据行" in refused(empty, "office_documents", "2024Q2")[0]


def test_dry_run_writes_nothing() -> None:
    before = H.snapshot()
    report = statistics_import(
        seed_path(A1), "office_documents", period="2024Q3", scope=H.GOLMUD, dry_run=True
    )
    assert report.rows == 30 and report.batch_id is None and not report.replaced
    assert H.snapshot() == before
