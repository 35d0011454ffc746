"""Every bad input is refused whole: the message names row and column, nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.web.registry.services import RegistryImportError, registry_import
from tests.helpers import write_csv, write_workbook
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tmp_path: Path) -> dict[str, object]:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    return H.snapshot()


def refused(path: Path, before: dict[str, object]) -> list[str]:
    with pytest.raises(RegistryImportError) as caught:
        registry_import(path)
    assert H.snapshot() == before, "a refused import must leave the database unchanged"
    return caught.value.errors


def test_unknown_unit_names_row_column_and_suggests(tmp_path: Path, loaded: dict) -> None:
    rows = [[*H.BASE_SITES[0][:6], "格尔木市公按局", "", "正常运行"]]
    rows[0][0] = "6328010099"
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    assert len(errors) == 1
    assert "第2行「主办单位」列" in errors[0]
    assert "未登记的单位「格尔木市公按局」" in errors[0]
    assert "格尔木市公安局" in errors[0]  # the closest known unit is suggested


def test_ambiguous_alias_lists_both_units(tmp_path: Path, loaded: dict) -> None:
    rows = [["微信公众号", "某号", "", "市公安局", "", "正常运行", "是", "", "", "是"]]
    errors = refused(write_csv(tmp_path / "a.csv", H.ACCOUNT_HEADERS, rows), loaded)
    assert "第2行「开设主体」列" in errors[0]
    assert "格尔木市公安局" in errors[0] and "开封市公安局" in errors[0]


def test_duplicate_site_code_in_file(tmp_path: Path, loaded: dict) -> None:
    rows = [H.BASE_SITES[0], list(H.BASE_SITES[0])]
    rows[1][1] = "另一个名字"
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    assert errors == ["「s」第3行「网站标识码」列：与第2行重复"]


@pytest.mark.parametrize(
    "code", ["123456789", "12345678901", "bm1234567", "ab12345678", "63280100x1"]
)
def test_malformed_site_code(tmp_path: Path, loaded: dict, code: str) -> None:
    rows = [[code, *H.BASE_SITES[0][1:]]]
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    assert len(errors) == 1 and "第2行「网站标识码」列" in errors[0] and "格式错误" in errors[0]


@pytest.mark.parametrize(
    "url", ["www.geermu.gov.cn", "ftp://geermu.gov.cn/", "http://", "http://a b.cn/"]
)
def test_bad_url(tmp_path: Path, loaded: dict, url: str) -> None:
    rows = [["6328010002", "x", url, *H.BASE_SITES[0][3:]]]
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    assert len(errors) == 1 and "第2行「首页网址」列" in errors[0]


def test_unknown_platform(tmp_path: Path, loaded: dict) -> None:
    rows = [["小红书书", *H.BASE_ACCOUNTS[0][1:]]]
    errors = refused(write_csv(tmp_path / "a.csv", H.ACCOUNT_HEADERS, rows), loaded)
    assert len(errors) == 1 and "第2行「平台」列" in errors[0] and "小红书书" in errors[0]


def test_unknown_kind(tmp_path: Path, loaded: dict) -> None:
    rows = [["6328010001", "新栏目", "", "杂项类", "", ""]]
    errors = refused(write_csv(tmp_path / "c.csv", H.COLUMN_HEADERS, rows), loaded)
    assert len(errors) == 1 and "第2行「栏目类型」列" in errors[0]


def test_missing_required_field(tmp_path: Path, loaded: dict) -> None:
    rows = [
        ["6328010003", "", "http://x.gov.cn/", "", "", "部门网站", "格尔木市公安局", "", "正常运行"]
    ]
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    assert errors == ["「s」第2行「网站名称」列：必填项为空"]


def test_every_bad_row_reported_at_once(tmp_path: Path, loaded: dict) -> None:
    rows = [
        [
            "6328010004",
            "",
            "http://x.gov.cn/",
            "",
            "",
            "部门网站",
            "格尔木市公安局",
            "",
            "正常运行",
        ],
        [
            "6328010005",
            "好网站",
            "http://y.gov.cn/",
            "",
            "",
            "部门网站",
            "格尔木市公安局",
            "",
            "正常运行",
        ],
        ["bad", "坏网站", "y.gov.cn", "", "", "部门网站", "不存在的局", "", "正常运行"],
    ]
    errors = refused(write_csv(tmp_path / "s.csv", H.SITE_HEADERS, rows), loaded)
    joined = "\n".join(errors)
    assert "第2行「网站名称」列" in joined
    assert "第4行「网站标识码」列" in joined and "第4行「首页网址」列" in joined
    assert "第4行「主办单位」列" in joined  # reference errors join the format errors
    assert "第3行" not in joined


def test_wrong_file_type(tmp_path: Path, loaded: dict) -> None:
    path = tmp_path / "registry.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    errors = refused(path, loaded)
    assert "不支持的文件类型 .docx" in errors[0]


def test_xlsx_that_is_not_a_workbook(tmp_path: Path, loaded: dict) -> None:
    path = tmp_path / "registry.xlsx"
    path.write_text("单位名称\n某局\n", encoding="utf-8")
    errors = refused(path, loaded)
    assert "不是有效的 xlsx 文件" in errors[0]


def test_gbk_csv_is_accepted(tmp_path: Path, loaded: dict) -> None:
    rows = [["格尔木市教育局", "市教育局", "格尔木市人民政府", "县级", "部门", "王五", "", ""]]
    path = write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, rows, encoding="gbk")
    report = registry_import(path)
    assert report.counts["units"].created == 1
    from govwatch.web.registry.services import unit_resolve

    assert unit_resolve("市教育局").name == "格尔木市教育局"
    assert unit_resolve("市教育局").contact_person == "王五"


@pytest.mark.parametrize("content", [b"", b"   \n", "单位名称,层级,单位类型\n".encode()])
def test_empty_file(tmp_path: Path, loaded: dict, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    errors = refused(path, loaded)
    assert "empty.csv" in errors[0] and ("为空" in errors[0] or "没有数据行" in errors[0])


def test_wrong_headers(tmp_path: Path, loaded: dict) -> None:
    headers = ["网站标示码", "网站名称", "首页网址", "网站类型", "主办单位", "运行状态"]
    rows = [["6328010006", "x", "http://x.gov.cn/", "部门网站", "格尔木市公安局", "正常运行"]]
    errors = refused(write_csv(tmp_path / "s.csv", headers, rows), loaded)
    joined = "\n".join(errors)
    assert "第1行「网站标示码」列：无法识别的表头" in joined
    assert "第1行「网站标识码」列：缺少必填列" in joined


def test_unrecognisable_sheet(tmp_path: Path, loaded: dict) -> None:
    path = write_csv(tmp_path / "x.csv", ["姓名", "年龄"], [["张三", "30"]])
    errors = refused(path, loaded)
    assert "第1行" in errors[0] and "无法识别的表头" in errors[0]


def test_bad_row_in_later_sheet_rolls_back_earlier_sheets(tmp_path: Path, loaded: dict) -> None:
    path = write_workbook(
        tmp_path / "mixed.xlsx",
        {
            "单位": (H.UNIT_HEADERS, [["格尔木市教育局", "", "格尔木市人民政府", "县级", "部门", "", "", ""]]),
            "账号": (H.ACCOUNT_HEADERS, [["微信公众号", "教育号", "", "格尔木市教育局", "", "正常运行", "也许", "", "", "是"]]),
        },
    )  # fmt: skip
    errors = refused(path, loaded)
    assert errors == ["「账号」第2行「已在全国系统报送」列：应填“是”或“否”，而不是「也许」"]


def test_alias_clash_within_region(tmp_path: Path, loaded: dict) -> None:
    rows = [["格尔木市交通运输局", "市公安局", "格尔木市人民政府", "县级", "部门", "", "", ""]]
    errors = refused(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows), loaded)
    assert "第2行「别名」列" in errors[0] and "已属于格尔木市公安局" in errors[0]


def test_feed_source_needs_feed_url(tmp_path: Path, loaded: dict) -> None:
    rows = [["新浪微博", "某微博", "", "格尔木市公安局", "", "正常运行", "是", "订阅源", "", "是"]]
    errors = refused(write_csv(tmp_path / "a.csv", H.ACCOUNT_HEADERS, rows), loaded)
    assert errors == ["「a」第2行「订阅源地址」列：采集方式为订阅源时必须填写订阅源地址"]
