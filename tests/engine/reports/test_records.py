"""A bad statistics file is refused whole, with every error's row and column named."""

from __future__ import annotations

from govwatch.engine.reports import schemas
from govwatch.engine.reports.records import validate_dicts
from tests.helpers import read_seed


def test_seed_file_passes() -> None:
    result = validate_dicts(schemas.OFFICE_DOCUMENTS, read_seed("000_a1_office_system_usage.csv"))
    assert result.ok and len(result.records) == 30
    assert result.records[0]["documents_received"] == 1590


def test_every_error_is_reported_and_nothing_is_accepted() -> None:
    rows = [
        {"部门": "市政府办公室", "收文（份）": "10", "发文（份）": "2"},
        {"部门": "市不存在局", "收文（份）": "-1", "发文（份）": "2"},
        {"部门": "市教育局", "收文（份）": "十", "发文（份）": ""},
    ]
    result = validate_dicts(schemas.OFFICE_DOCUMENTS, rows)
    assert not result.ok and result.records == ()
    assert [str(e) for e in result.errors] == [
        "第3行「收文（份）」列：数量不能为负数（-1）",
        "第4行「收文（份）」列：应为整数，实际为「十」",
        "第4行「发文（份）」列：必填项为空",
    ]


def test_wrong_headers_name_the_columns() -> None:
    result = validate_dicts(
        schemas.OFFICE_DOCUMENTS, [{"部门": "市教育局", "收文": "1", "发文（份）": "1"}]
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(1, "收文"), (1, "收文（份）")]
    assert "未知列名" in result.errors[0].reason and "缺少必填列" in result.errors[1].reason


def test_english_keys_are_headers_too_and_errors_use_the_chinese_heading() -> None:
    rows = [{"department": "市教育局", "documents_received": "x", "documents_sent": "1"}]
    result = validate_dicts(schemas.OFFICE_DOCUMENTS, rows)
    assert [str(e) for e in result.errors] == ["第2行「收文（份）」列：应为整数，实际为「x」"]
