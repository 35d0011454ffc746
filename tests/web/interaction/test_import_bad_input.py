"""Bad files are refused whole: every problem named by sheet, row and column, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govwatch.web.interaction.models import CitizenMessage
from govwatch.web.interaction.services import (
    InteractionImportError,
    citizen_messages_import,
    consultation_tests_import,
)
from tests.helpers import load_demo_registry, write_csv, write_workbook
from tests.web.interaction import helpers as H

pytestmark = pytest.mark.django_db

SCOPE = "格尔木市人民政府"
GOOD = [
    ["2024050001", "市长信箱", "市公安局", "2024-05-06 09:00", "2024-05-07 10:00", "已办结"],
    ["2024050002", "市长信箱", "市人社局", "2024-05-08 09:00", "", "正在办理"],
]


@pytest.fixture(autouse=True)
def _loaded(tmp_path: Path) -> None:
    """Demo registry plus an earlier good import, so 'unchanged' covers existing rows too."""
    load_demo_registry()
    citizen_messages_import(write_csv(tmp_path / "first.csv", H.MESSAGE_HEADERS, GOOD), scope=SCOPE)
    assert len(H.snapshot()["CitizenMessage"]) == 2


def refused(
    path: Path, importer: Callable[..., object] = citizen_messages_import, **kwargs: str
) -> list[str]:
    """The errors of a refused import, which left the database as it was."""
    before = H.snapshot()
    with pytest.raises(InteractionImportError) as caught:
        importer(path, **kwargs)
    assert H.snapshot() == before
    return caught.value.errors


def test_unknown_unit_is_refused_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        [*GOOD[0][:4], "2024-05-07 10:00", "已办结"],
        ["2024050003", "市长信箱", "市星际旅行局", "2024-05-09 09:00", "", ""],
        ["2024050004", "市长信箱", "市住建局", "2024-05-10 09:00", "", ""],
    ]
    errors = refused(write_csv(tmp_path / "m.csv", H.MESSAGE_HEADERS, rows), scope=SCOPE)
    assert len(errors) == 1
    assert errors[0].startswith("「m」第3行「承办单位」列：未登记的单位「市星际旅行局」")


def test_answer_before_receipt_is_refused_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        ["2024050005", "部门留言", "市公安局", "2024-05-06 09:00", "2024-05-07 10:00", ""],
        ["2024050006", "部门留言", "市公安局", "2024-05-09 09:00", "2024-05-08 09:00", ""],
        # An update of an existing letter in the same file must not be written either.
        [*GOOD[1][:4], "2024-05-09 10:00", "已办结"],
    ]
    errors = refused(write_csv(tmp_path / "m.csv", H.MESSAGE_HEADERS, rows), scope=SCOPE)
    assert len(errors) == 1
    assert errors[0].startswith("「m」第3行「答复时间」列：答复时间")
    assert "早于受理时间" in errors[0]
    assert CitizenMessage.objects.get(message_id="2024050002").answered_at is None


def test_duplicate_id_is_refused_with_both_rows(tmp_path: Path) -> None:
    rows = [
        ["2024060001", "市长信箱", "市公安局", "2024-06-03 09:00", "", ""],
        ["2024060002", "部门留言", "市公安局", "2024-06-03 09:00", "", ""],
        ["2024060001", "部门留言", "市公安局", "2024-06-04 09:00", "", ""],  # other box: fine
        ["2024060001", "市长信箱", "市教育局", "2024-06-05 09:00", "", ""],
    ]
    path = write_workbook(tmp_path / "m.xlsx", {"留言": (H.MESSAGE_HEADERS, rows)})
    errors = refused(path, scope=SCOPE)
    assert errors == ["「留言」第5行「信件编号」列：市长信箱信件编号 2024060001 与第2行重复"]


def test_every_error_is_listed_at_once(tmp_path: Path) -> None:
    rows = [
        ["", "市长信箱", "市公安局", "2024-06-03 09:00", "", ""],
        ["B2", "市民信箱", "市公安局", "昨天", "", "已办结"],
    ]
    errors = refused(write_csv(tmp_path / "m.csv", H.MESSAGE_HEADERS, rows), scope=SCOPE)
    columns = sorted(e.split("」列")[0].split("「")[-1] for e in errors)
    assert columns == ["信件编号", "信箱", "受理时间", "答复时间"], errors


@pytest.mark.parametrize(
    ("headers", "rows", "message"),
    [
        (["信件编号", "信箱"], [["1", "市长信箱"]], "「m」第1行：缺少列：承办单位、受理时间"),
        (H.MESSAGE_HEADERS, [], "m.csv：文件中没有数据行（只有表头）"),
    ],
)
def test_file_level_problems(
    tmp_path: Path, headers: list[str], rows: list[list[str]], message: str
) -> None:
    errors = refused(write_csv(tmp_path / "m.csv", headers, rows), scope=SCOPE)
    assert errors[0].startswith(message)


def test_bad_scope_and_box_options(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", H.MESSAGE_HEADERS, GOOD)
    assert refused(path, scope="火星市人民政府")[0].startswith("--scope：未登记的单位")
    assert refused(path, box="意见箱")[0].startswith("--box：未知的信箱")


def test_bad_consultation_rows(tmp_path: Path) -> None:
    rows = [
        ["T1", "", "不存在的网站", "", "", "政务咨询", "问", "2024-01-08 09:00", "", "", "", "", ""],
        ["T2", "4102000001", "", "抖音", "兰考市场监管", "政务咨询", "问", "2024-01-08 09:00",
         "", "", "", "", ""],
        ["T3", "", "", "抖音", "兰考市场监管", "政务咨询", "问", "2024-01-08 09:00", "", "", "",
         "", ""],
        ["T3", "", "", "抖音", "兰考市场监管", "政务咨询", "问", "2024-01-08 09:00", "否", "",
         "2024-01-07 09:00", "", "模板"],
    ]  # fmt: skip
    errors = refused(write_csv(tmp_path / "t.csv", H.TEST_HEADERS, rows), consultation_tests_import)
    assert (
        errors[0]
        == "「t」第2行「网站名称」列：未登记的网站名称「不存在的网站」，请核对或改填网站标识码"
    )
    assert errors[1] == "「t」第3行「账号名称」列：网站和账号只能填写一项"
    fifth = [e for e in errors if e.startswith("「t」第5行")]
    assert any("「测试编号」列：测试编号 T3 与第4行重复" in e for e in fifth)
    assert any("「未成功原因」列" in e for e in fifth)
    assert any("「答复时间」列" in e for e in fifth)
