"""A bad statistics file is refused whole, with every error's row and column named."""

from __future__ import annotations

from govwatch.engine.reports import schemas
from govwatch.engine.reports.records import validate_rows

from .seeds import raw_rows

KNOWN_UNITS = {"市政府办公室", "市教育局"}


def test_seed_file_passes_with_a_resolver_that_knows_its_units() -> None:
    rows = raw_rows("000_a1_office_system_usage.csv")
    units = {r["department"] for r in rows}
    result = validate_rows(
        schemas.OFFICE_DOCUMENTS, list(rows[0]), enumerate(rows, start=2), units.__contains__
    )
    assert result.ok and len(result.records) == 30
    assert result.records[0]["documents_received"] == 1590


def test_every_error_is_reported_and_nothing_is_accepted() -> None:
    headers = ["部门", "收文（份）", "发文（份）"]
    rows = [
        (2, {"部门": "市政府办公室", "收文（份）": "10", "发文（份）": "2"}),
        (3, {"部门": "市不存在局", "收文（份）": "-1", "发文（份）": "2"}),
        (4, {"部门": "市教育局", "收文（份）": "十", "发文（份）": ""}),
    ]
    result = validate_rows(schemas.OFFICE_DOCUMENTS, headers, rows, KNOWN_UNITS.__contains__)
    assert not result.ok and result.records == ()
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "部门"),
        (3, "收文（份）"),
        (4, "收文（份）"),
        (4, "发文（份）"),
    ]
    messages = [str(e) for e in result.errors]
    assert messages[0] == "第3行「部门」列：单位「市不存在局」不在单位名录中"
    assert "负数" in messages[1] and "整数" in messages[2] and "不能为空" in messages[3]


def test_wrong_headers_name_the_columns() -> None:
    result = validate_rows(
        schemas.OFFICE_DOCUMENTS,
        ["部门", "收文", "发文（份）"],
        [(2, {"部门": "市教育局"})],
        KNOWN_UNITS.__contains__,
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(1, "收文"), (1, "收文（份）")]
    assert "未知列名" in result.errors[0].message_zh and "缺少必填列" in result.errors[1].message_zh
