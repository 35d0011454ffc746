"""Hostile tables: what would take unbounded memory or time is refused whole, in bounded
memory and time, with a Chinese message naming the limit; real files still read.

The big cases run in a child process, measured from a wrapper process around it (its
``RUSAGE_CHILDREN`` holds that one child's peak RSS only): a zip bomb must not inflate in
the process that tests it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest

from govwatch.engine import tabular as T
from govwatch.engine.tabular import TableFileError, iter_first_sheet, read_table_file

ROOT = Path(__file__).resolve().parents[3]
PEAK_LIMIT_MB = 500
GIB = 1024 * 1024 * 1024

# -- measuring a child ------------------------------------------------------------------
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, stdin=subprocess.DEVNULL)
print(json.dumps({
    "code": done.returncode,
    "stdout": done.stdout.decode("utf-8", "replace"),
    "stderr": done.stderr.decode("utf-8", "replace"),
    "seconds": time.perf_counter() - start,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

_READ = """
import sys
from pathlib import Path
from govwatch.engine.tabular import (
    TableFileError, iter_first_sheet, iter_sheets, read_table_file,
)
path = Path(sys.argv[2])
try:
    if sys.argv[1] == "table":
        print(sum(len(sheet.rows) for sheet in read_table_file(path)))
    elif sys.argv[1] == "sheets":
        print(sum(sum(1 for _ in rows) for _, rows in iter_sheets(path)))
    else:
        print(sum(1 for _ in iter_first_sheet(path)[1]))
except TableFileError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
"""


def measured(tmp_path: Path, *command: str) -> dict[str, object]:
    """Run ``command`` (argv after the python executable) in a measured child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "DATABASE_URL"))}
    env.update(GOVWATCH_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def read_in_child(tmp_path: Path, mode: str, path: Path) -> dict[str, object]:
    return measured(tmp_path, "-c", _READ, mode, str(path))


def assert_refused(result: dict[str, object], *needles: str, seconds: float = 30) -> str:
    stderr = str(result["stderr"])
    assert result["code"] == 2, result
    for needle in needles:
        assert needle in stderr, stderr
    assert "Traceback" not in stderr
    assert float(result["peak_mb"]) < PEAK_LIMIT_MB, result
    assert float(result["seconds"]) < seconds, result
    return stderr


# -- building workbooks part by part ----------------------------------------------------
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="单位" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def write_xlsx_parts(path: Path, sheet_data: Iterable[bytes], dimension: str = "") -> Path:
    """A minimal workbook of one sheet 「单位」 whose sheetData is written chunk by chunk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
            if dimension:
                head += f'<dimension ref="{dimension}"/>'
            sheet.write((head + "<sheetData>").encode())
            for chunk in sheet_data:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def identical_rows(unpacked: int) -> Iterator[bytes]:
    """About ``unpacked`` bytes of one row repeated (padded with blanks so that it packs
    about 700 to 1: a gigabyte of sheet in a 1.5 MB file)."""
    row = (
        "<row>" + " " * 4000 + '<c t="inlineStr"><is><t>格尔木市公安局</t></is></c>'
        "<c><v>1</v></c></row>"
    ).encode()
    block = row * (1_000_000 // len(row))
    for _ in range(unpacked // len(block) + 1):
        yield block


def cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "units.xlsx"
    write_xlsx_parts(path, identical_rows(GIB))
    assert path.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > GIB
    return path


# -- xlsx -------------------------------------------------------------------------------
def test_gigabyte_sheet_is_refused_before_parsing(tmp_path: Path, gigabyte_bomb: Path) -> None:
    table = read_in_child(tmp_path, "table", gigabyte_bomb)
    assert_refused(table, "表格过大：工作簿解压后约 1,025MB，超过 200MB（上限）", seconds=10)
    # The streaming readers (post exports) allow a larger workbook, not this one either.
    for mode in ("stream", "sheets"):
        stream = read_in_child(tmp_path, mode, gigabyte_bomb)
        assert_refused(stream, "表格过大", "超过 1,024MB（上限）", seconds=10)


def test_registry_import_refuses_the_bomb_with_exit_2(tmp_path: Path, gigabyte_bomb: Path) -> None:
    command = ("-m", "govwatch", "registry", "import", "--dry-run", str(gigabyte_bomb))
    result = measured(tmp_path, *command)
    stderr = assert_refused(result, "units.xlsx：表格过大", "超过 200MB（上限）")
    assert len(stderr.strip().splitlines()) <= 2  # the total line and the reason


def test_posts_import_refuses_the_bomb_with_exit_2(tmp_path: Path, gigabyte_bomb: Path) -> None:
    command = ("-m", "govwatch", "posts", "import", "--dry-run", str(gigabyte_bomb))
    result = measured(tmp_path, *command)
    assert_refused(result, "units.xlsx：表格过大")


def test_packed_too_tightly_is_a_zip_bomb_even_below_the_size_limits(tmp_path: Path) -> None:
    path = write_xlsx_parts(tmp_path / "r.xlsx", identical_rows(150 * 1024 * 1024))
    for mode in ("table", "stream", "sheets"):
        result = read_in_child(tmp_path, mode, path)
        assert_refused(result, "xl/worksheets/sheet1.xml 解压后是压缩大小的", "疑似压缩炸弹")


def test_declared_dimension_beyond_the_row_limit(tmp_path: Path) -> None:
    row = f'<row r="1">{cell("单位名称")}</row><row r="2">{cell("某局")}</row>'
    path = write_xlsx_parts(tmp_path / "r.xlsx", [row.encode()], dimension="A1:B2000000")
    with pytest.raises(TableFileError, match="声明有 2,000,000 行，超过 1,048,576 行（上限）"):
        read_table_file(path)
    _, rows = iter_first_sheet(path)
    with pytest.raises(TableFileError, match="1,048,576 行（上限）"):
        list(rows)


def test_rows_beyond_the_row_limit_without_dimension(tmp_path: Path) -> None:
    # A jump to row 1,048,577: refused before a million blank rows are made up.
    rows = f'<row r="1">{cell("单位名称")}</row><row r="1048577">{cell("某局")}</row>'
    path = write_xlsx_parts(tmp_path / "r.xlsx", [rows.encode()])
    with pytest.raises(TableFileError, match="超过 1,048,576 行（上限）"):
        read_table_file(path)


def test_columns_beyond_the_limit(tmp_path: Path) -> None:
    # 16,384 headers (all Excel has) of one name, as openpyxl writes them.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("单位")
    sheet.append(["单位名称"] * 16_384)
    sheet.append(["某局"] * 16_384)
    workbook.save(tmp_path / "wide.xlsx")
    with pytest.raises(TableFileError, match="第1行第1,001列有内容，超过 1,000 列（上限）"):
        read_table_file(tmp_path / "wide.xlsx")
    # Empty cells far right (formatting) are not columns.
    rows = f'<row r="1">{cell("单位名称")}<c r="XFD1" s="0"/></row><row r="2">{cell("某局")}</row>'
    path = write_xlsx_parts(tmp_path / "r.xlsx", [rows.encode()])
    [read] = read_table_file(path)
    assert read.headers == ("单位名称",) and read.rows == ((2, {"单位名称": "某局"}),)


def test_one_row_of_endless_cells_stays_bounded(tmp_path: Path) -> None:
    # 200,000 empty cells without coordinates in one row: refused at Excel's 16,384, not
    # held as one XML tree (each cell has its own style number, so it packs like a sheet).
    cells = "".join(f'<c s="{n}"/>' for n in range(200_000))
    path = write_xlsx_parts(tmp_path / "r.xlsx", [f"<row>{cells}</row>".encode()])
    with pytest.raises(TableFileError, match="第1行的单元格超过 16,384 个"):
        read_table_file(path)


def test_cell_text_beyond_the_limit(tmp_path: Path) -> None:
    rows = f'<row r="1">{cell("单位名称")}</row><row r="2">{cell("局" * 40_000)}</row>'
    path = write_xlsx_parts(tmp_path / "r.xlsx", [rows.encode()])
    with pytest.raises(TableFileError, match="第2行第1列超过 32,767 字（上限）"):
        read_table_file(path)


def test_rows_out_of_order_are_damage_not_silently_dropped(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{cell("单位名称")}</row>'
        f'<row r="3">{cell("甲")}</row><row r="2">{cell("乙")}</row>'
    )
    path = write_xlsx_parts(tmp_path / "r.xlsx", [rows.encode()])
    with pytest.raises(TableFileError, match="第2行重复或顺序错乱"):
        read_table_file(path)


def test_streamed_cells_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    """The readers use openpyxl's cell parser on their own stream: the values must be
    those of openpyxl's read-only worksheet (shared strings, numbers, dates, booleans,
    gaps, missing rows)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "网站"
    sheet.append(["标识码", "名称", "日期", "时间", "是否", "比例", "空", "末列"])
    when = dt.datetime(2024, 5, 3, 9, 5)
    sheet.append([6328010001, "格尔木", dt.date(2024, 5, 3), when, True, 0.25, None, "x"])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append([30.0, "=SUM(A1:A2)", "", " 空格 ", False, -1.5, None, None])
    sheet["C7"] = "跳过的行"
    sheet["J7"] = dt.time(8, 30)
    workbook.create_sheet("第二张").append(["a", 1])
    path = tmp_path / "v.xlsx"
    workbook.save(path)

    def trimmed(rows: Iterable[Sequence[object]]) -> list[tuple[object, ...]]:
        out = []
        for row in rows:
            # "" and blanks read as "" (cell_text) whether kept or not.
            values = [None if isinstance(v, str) and not v.strip() else v for v in row]
            while values and values[-1] is None:
                values.pop()
            out.append(tuple(values))
        return out

    reference = openpyxl.load_workbook(path, read_only=True, data_only=True)
    expected = [trimmed(ws.iter_rows(values_only=True)) for ws in reference.worksheets]
    reference.close()
    _, rows = iter_first_sheet(path)
    assert trimmed(rows) == expected[0]
    book = T._Workbook(path, T.MAX_XLSX_UNPACKED_BYTES)
    try:
        assert [trimmed(book.rows(title, part)) for title, part in book.sheets] == expected
    finally:
        book.close()
    first, second = read_table_file(path)
    assert first.rows[0] == (
        2,
        {"标识码": "6328010001", "名称": "格尔木", "日期": "2024-05-03 00:00:00",
         "时间": "2024-05-03 09:05:00", "是否": "是", "比例": "0.25", "空": "", "末列": "x"},
    )  # fmt: skip
    assert [n for n, _ in first.rows] == [2, 4, 7]
    assert second.headers == ("a", "1")


def test_a_real_export_is_read_whole(tmp_path: Path) -> None:
    # 20,000 rows as write_xlsx exports them: inline strings, every row numbered.
    headers = ["网站标识码", "网站名称", "首页网址"]
    rows = [
        [f"{4100000000 + i}", f"网站{i}", f"http://s{i}.example.gov.cn/"] for i in range(20_000)
    ]
    T.write_xlsx(tmp_path / "sites.xlsx", [("网站", headers, rows)])
    [sheet] = read_table_file(tmp_path / "sites.xlsx")
    assert len(sheet.rows) == 20_000 and sheet.rows[-1][0] == 20_001
    assert sheet.rows[-1][1]["网站名称"] == "网站19999"


# -- csv --------------------------------------------------------------------------------
def write_rows(path: Path, rows: Iterable[Sequence[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_hundred_thousand_duplicate_headers(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dup.csv", [["单位名称"] * 100_000, ["某局"] * 100_000])
    with pytest.raises(TableFileError, match="第1行有 100,000 列，超过 1,000 列（上限）"):
        read_table_file(path)
    _, rows = iter_first_sheet(path)
    with pytest.raises(TableFileError, match="超过 1,000 列（上限）"):
        list(rows)
    # Trailing empty cells (a row Excel saved wider than its data) are not columns.
    path = write_rows(tmp_path / "wide.csv", [["单位名称"] + [""] * 5_000, ["某局"] + [""] * 5_000])
    [sheet] = read_table_file(path)
    assert sheet.headers == ("单位名称",)


def test_registry_import_of_duplicate_headers_prints_few_lines(tmp_path: Path) -> None:
    huge = write_rows(tmp_path / "dup.csv", [["单位名称"] * 100_000, ["某局"] * 100_000])
    result = measured(tmp_path, "-m", "govwatch", "registry", "import", "--dry-run", str(huge))
    stderr = assert_refused(result, "dup.csv：表格过宽：第1行有 100,000 列，超过 1,000 列（上限）")
    assert len(stderr.strip().splitlines()) <= 2
    # At the column limit the header is read, and the error list is capped with the count.
    wide = write_rows(tmp_path / "dup1000.csv", [["单位名称"] * 1_000, ["某局"] * 1_000])
    result = measured(tmp_path, "-m", "govwatch", "registry", "import", "--dry-run", str(wide))
    lines = assert_refused(result, "表头重复").strip().splitlines()
    assert lines[0].startswith("错误：导入失败，未写入任何数据（共 ") and len(lines) <= 202
    assert lines[-1].startswith("另有 ") and lines[-1].endswith(" 处错误未列出")


def test_csv_rows_beyond_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "tall.csv"
    path.write_bytes(b"a\n" * (T.MAX_ROWS + 1))
    with pytest.raises(TableFileError, match="超过 1,048,576 行（上限）"):
        read_table_file(path)


def test_csv_size_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write("单位名称\n某局\n".encode())
        handle.truncate(T.MAX_CSV_BYTES + 1)  # sparse: no time, no disk
    with pytest.raises(TableFileError, match="文件过大：101MB，超过 100MB（上限）"):
        read_table_file(path)
    path.write_bytes("单位名称\n某局\n".encode())
    with path.open("r+b") as handle:
        handle.truncate(T.MAX_STREAMED_BYTES + 1)
    with pytest.raises(TableFileError, match="超过 1,024MB（上限）"):
        iter_first_sheet(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a," * 3_000_000, "第1行过长：超过 1,000,000 字（上限）"),  # one endless line
        (b"a\n" + b'"\n",' * 600_000, "第2行过长"),  # one record of many quoted lines
        (b'a\n"' + b"x\n" * 100_000, "单元格过长：第2行起的记录"),  # an unclosed quote
        ("单位名称\n".encode() + "局".encode() * 40_000, "第2行第1列超过 32,767 字（上限）"),
    ],
)
def test_csv_records_beyond_the_limits(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(TableFileError, match=message):
        read_table_file(path)


# -- encodings --------------------------------------------------------------------------
ROWS = [["单位名称", "层级"], ["格尔木市公安局", "县级"], ["开封市应急管理局", "地市级"]]


def dictionary_words() -> list[str]:
    """130,000 words of the typo lexicon: real Chinese text to encode as GBK."""
    path = ROOT / "govwatch" / "engine" / "text" / "lexicons" / "words.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("\t")[0].strip()
        if word and not line.startswith("#"):
            try:
                word.encode("gbk")
            except UnicodeEncodeError:
                continue
            words.append(word)
    return words


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_large_real_text_in_one_encoding_is_never_called_mixed(
    tmp_path: Path, encoding: str
) -> None:
    words = dictionary_words()
    rng = random.Random(7)
    rows = [["词语", "组合", "编号"]]
    rows += [[w, "".join(rng.sample(words, 2)), str(i)] for i, w in enumerate(words)]
    path = write_rows(tmp_path / "words.csv", rows, encoding)
    [sheet] = read_table_file(path)
    assert len(sheet.rows) == len(words)
    assert sheet.rows[-1][1]["词语"] == words[-1]


def test_utf8_rows_appended_to_a_gbk_file_are_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "units.csv", ROWS, "gbk")
    with path.open("ab") as handle:
        handle.write("格尔木市教育局,县级\n".encode())
    message = "文件编码混杂（部分为UTF-8、部分为GBK）：第4行含UTF-8编码的文字，第1行含GBK编码的文字"
    with pytest.raises(TableFileError, match=message):
        read_table_file(path)
    with pytest.raises(TableFileError, match="文件编码混杂"):
        iter_first_sheet(path)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_gbk_rows_in_a_utf8_file_are_refused(tmp_path: Path, bom: bytes) -> None:
    lines = [",".join(row).encode() for row in ROWS] * 2000
    lines[1500] = "西宁市城东区人民政府,县级".encode("gbk")
    path = tmp_path / "units.csv"
    path.write_bytes(bom + b"\n".join(lines) + b"\n")
    with pytest.raises(TableFileError, match="第1行含UTF-8编码的文字，第1501行含GBK编码的文字"):
        read_table_file(path)


def test_a_utf8_cell_inside_a_gbk_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    gbk = "单位名称,层级\n格尔木市公安局,".encode("gbk")
    path.write_bytes(gbk + "县级单位\n".encode())  # a cell pasted from a UTF-8 source
    with pytest.raises(TableFileError, match="第2行含UTF-8编码的文字，第1行含GBK编码的文字"):
        read_table_file(path)


def test_a_bom_file_with_a_gbk_line_is_no_longer_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n" + "局".encode("gbk") + b",1\n")
    with pytest.raises(TableFileError, match="文件编码混杂"):
        read_table_file(path)
