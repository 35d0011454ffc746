"""Reading the files offices send: encodings, blank rows, bad files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from govwatch.engine.tabular import TableFileError, read_table_file, write_csv, write_xlsx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("单位名称,层级\n格尔木市公安局,县级\n".encode(encoding))
    [sheet] = read_table_file(path)
    assert sheet.headers == ("单位名称", "层级")
    assert sheet.rows == ((2, {"单位名称": "格尔木市公安局", "层级": "县级"}),)


def test_blank_rows_keep_file_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("\n单位名称\n\nA\n,\nB\n", encoding="utf-8")
    [sheet] = read_table_file(path)
    assert [number for number, _ in sheet.rows] == [4, 6]


def test_xlsx_numbers_and_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "网站"
    sheet.append(["网站标识码", "更新周期（天）"])
    sheet.append([6328010001, 30.0])
    workbook.create_sheet("空表")
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    [read] = read_table_file(path)  # the empty sheet is skipped
    assert read.rows == ((2, {"网站标识码": "6328010001", "更新周期（天）": "30"}),)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("r.txt", b"a,b", "不支持的文件类型 .txt"),
        ("r.csv", b"", "文件为空"),
        ("r.xlsx", b"not a zip", "不是有效的 xlsx 文件"),
        ("r.csv", b"\xff\xfe\x00a\x00b\x00", "无法识别文件编码"),
        ("r.csv", b"a,b\x00\x00c", "不是文本"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableFileError, match=message):
        read_table_file(path)


def test_writers_round_trip(tmp_path: Path) -> None:
    rows = [["a", "格尔木"], ["b", ""]]
    write_xlsx(tmp_path / "o.xlsx", [("表", ["键", "值"], rows)])
    write_csv(tmp_path / "o.csv", ["键", "值"], rows)
    for name in ("o.xlsx", "o.csv"):
        [sheet] = read_table_file(tmp_path / name)
        assert [r for _, r in sheet.rows] == [{"键": "a", "值": "格尔木"}, {"键": "b", "值": ""}]
    assert not list(tmp_path.glob("*.part"))
