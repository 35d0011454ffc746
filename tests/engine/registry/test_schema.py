"""Registry file schema: cells to values, table-driven."""

from __future__ import annotations

import pytest

from govwatch.engine.registry import labels as L
from govwatch.engine.registry import schema as S
from govwatch.engine.rows import RowErrors, check_headers, parse_rows, split_list
from govwatch.engine.tabular import Sheet


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("6328010001", "6328010001", True),
        ("bm41000001", "bm41000001", True),
        ("BM41000001", "bm41000001", True),  # typed in capitals by hand
        ("632801000", None, False),
        ("63280100011", None, False),
        ("bm4100001", None, False),
        ("6328-01000", None, False),
    ],
)
def test_site_code(text: str, value: str | None, ok: bool) -> None:
    if ok:
        assert S.site_code(text) == value
    else:
        with pytest.raises(ValueError, match="网站标识码格式错误"):
            S.site_code(text)


@pytest.mark.parametrize(
    ("labels", "text", "code"),
    [
        (L.PLATFORM, "微信订阅号", "wechat_subscription_account"),
        (L.PLATFORM, "头条", "toutiao"),
        (L.PLATFORM, "b站", "bilibili"),
        (L.PLATFORM, " 抖 音 ", "douyin"),
        (L.PLATFORM, "小红书", None),
        (L.UNIT_LEVEL, "州级", "prefecture"),
        (L.COLUMN_KIND, "动态类", "news"),
        (L.SITE_STATUS, "临时关停", "temporarily_closed"),
    ],
)
def test_labels(labels: L.Labels, text: str, code: str | None) -> None:
    assert L.code_of(labels, text) == code


def test_every_label_round_trips() -> None:
    for labels in (
        L.UNIT_LEVEL,
        L.UNIT_KIND,
        L.SITE_KIND,
        L.SITE_STATUS,
        L.COLUMN_KIND,
        L.PLATFORM,
    ):
        for code in labels:
            assert L.code_of(labels, L.label_of(labels, code)) == code


@pytest.mark.parametrize(
    ("text", "items"),
    [("a；b", ("a", "b")), ("a;b、c", ("a", "b", "c")), ("a\nb", ("a", "b")), ("；", ())],
)
def test_lists(text: str, items: tuple[str, ...]) -> None:
    assert split_list(text) == items


@pytest.mark.parametrize(
    ("headers", "entity"),
    [
        (("单位名称", "层级", "单位类型"), "units"),
        (("网站标识码", "网站名称", "首页网址"), "sites"),
        (("网站标识码", "栏目名称", "栏目类型"), "columns"),
        (("平台", "账号名称", "开设主体"), "accounts"),
        (("网站标示码", "网站名称", "首页网址", "网站类型"), "sites"),  # misspelt key header
        (("姓名", "年龄"), None),
    ],
)
def test_detect_spec(headers: tuple[str, ...], entity: str | None) -> None:
    spec = S.detect_spec("Sheet1", headers)
    assert (spec.entity if spec else None) == entity


def test_row_errors_name_row_and_column() -> None:
    cells = {"平台": "抖音", "账号名称": "", "开设主体": "某局", "运行状态": "正常运行"}
    cells |= {"已在全国系统报送": "也许", "有互动功能": "是"}
    sheet = Sheet("账号", S.ACCOUNTS.headers, ((7, cells),))
    errors = RowErrors()
    columns = check_headers(sheet, S.ACCOUNTS.fields, errors)
    assert columns is not None
    [row] = parse_rows(sheet, S.ACCOUNTS.fields, columns, errors)
    assert errors.lines() == [
        "「账号」第7行「账号名称」列：必填项为空",
        "「账号」第7行「已在全国系统报送」列：应填“是”或“否”，而不是「也许」",
    ]
    assert row.values["platform"] == "douyin" and row.values["ingestion_source"] == "none"
    assert not row.ok


def test_natural_keys() -> None:
    base = {"platform": "douyin", "name": "某号", "platform_id": ""}
    assert S.natural_key(S.ACCOUNTS, base) == ("platform", "name", "douyin", "某号")
    with_id = base | {"platform_id": "x1"}
    assert S.natural_key(S.ACCOUNTS, with_id) == ("platform", "platform_id", "douyin", "x1")
