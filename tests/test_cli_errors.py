"""Failures of `govwatch` as the operator meets them: exit 2 and one Chinese line for what
the operator can act on, exit 3 and one line for a bug of ours, never a traceback unless
``--debug``, and nothing half-written.

Each command runs in a subprocess on its own SQLite file, like tests/test_cli.py.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.helpers import write_csv
from tests.test_cli import govwatch
from tests.web.newmedia import helpers as N
from tests.web.registry import helpers as R


def _one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The single stderr line of a refused command (no traceback), without its 错误： prefix."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    return lines[0]


def _db(tmp_path: Path) -> Path:
    return tmp_path / "var" / "govwatch.sqlite3"


def _query(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(_db(tmp_path)) as con:
        return con.execute(sql).fetchall()


def _registry(tmp_path: Path) -> None:
    result = govwatch(tmp_path, "registry", "import", str(R.base_workbook(tmp_path / "r.xlsx")))
    assert result.returncode == 0, result.stderr


def test_posts_dated_year_1_or_9999_are_refused_with_the_row(tmp_path: Path) -> None:
    _registry(tmp_path)
    rows = [
        ["微信订阅号", "平安格尔木", "2024-02-01 09:00", "正常", "https://x.example.cn/1", "原创"],
        ["微信订阅号", "平安格尔木", "0001-01-01", "公元元年", "https://x.example.cn/2", "原创"],
        ["微信订阅号", "平安格尔木", "9999-12-31 23:59+14:00", "末日", "https://x.example.cn/3", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "posts.csv", N.EXPORT_HEADERS, rows, "utf-8")
    for extra in ([], ["--dry-run"]):
        result = govwatch(tmp_path, "posts", "import", str(path), *extra)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "未写入任何数据（共 2 处错误）" in result.stderr
        assert "「posts」第3行「发布时间」列" in result.stderr
        assert "「posts」第4行「发布时间」列" in result.stderr
    assert _query(tmp_path, "select count(*) from newmedia_post") == [(0,)]


def test_periods_and_dates_out_of_range_are_bad_input(tmp_path: Path) -> None:
    for args in [
        ("inspect", "--period", "0000Q1"),
        ("inspect", "--period", "0001Q1"),
        ("inspect", "--period", "2024-01-01~9999-12-31"),
        ("report", "bulletin", "--period", "9999Q4"),
        ("stats", "table", "--kind", "letters", "--period", "9999"),
        ("workdays", "add", "0001-01-01", "3"),
    ]:
        line = _one_line_error(govwatch(tmp_path, *args))
        assert "年份应在 1900 至 2099 之间" in line, line
    # Refused while reading the command line: not even a database was created.
    assert not _db(tmp_path).exists()


def test_out_naming_an_existing_file_is_refused_before_any_work(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("an office's own file", encoding="utf-8")
    line = _one_line_error(govwatch(tmp_path, "report", "bulletin", "--period", "2024Q2", "--out", str(taken)))  # fmt: skip
    assert f"--out {taken} 是已有的文件，不是目录" in line
    line = _one_line_error(govwatch(tmp_path, "report", "bulletin", "--period", "2024Q2", "--out", str(taken / "sub")))  # fmt: skip
    assert f"{taken} 是文件，不是目录" in line
    assert taken.read_text(encoding="utf-8") == "an office's own file"

    _registry(tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    line = _one_line_error(govwatch(tmp_path, "registry", "export", str(folder)))
    assert "是一个目录，应为文件名" in line
    line = _one_line_error(govwatch(tmp_path, "registry", "export", str(taken / "r.xlsx")))
    assert "是文件，不是目录" in line
    line = _one_line_error(govwatch(tmp_path, "registry", "export", str(tmp_path / "none" / "r.xlsx")))  # fmt: skip
    assert "不存在" in line
    assert list(folder.iterdir()) == []


def test_export_with_a_cycle_of_parents_names_the_units_and_writes_nothing(tmp_path: Path) -> None:
    _registry(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.xlsx").write_bytes(b"last quarter's export")
    ids = dict(_query(tmp_path, "select name, id from registry_unit"))
    with sqlite3.connect(_db(tmp_path)) as con:  # edited so behind the admin's back
        con.execute("update registry_unit set parent_id = id where name = '格尔木市公安局'")
    for args in [("r.xlsx",), ("u.csv", "--entity", "units")]:
        line = _one_line_error(govwatch(tmp_path, "registry", "export", str(out / args[0]), *args[1:]))  # fmt: skip
        assert "单位的上级关系成环，无法导出：格尔木市公安局 → 格尔木市公安局" in line
    # Two units each the other's parent.
    with sqlite3.connect(_db(tmp_path)) as con:
        con.execute(
            "update registry_unit set parent_id = ? where name = '格尔木市公安局'",
            (ids["格尔木市人民政府"],),
        )
        con.execute(
            "update registry_unit set parent_id = ? where name = '格尔木市人民政府'",
            (ids["格尔木市公安局"],),
        )
    line = _one_line_error(govwatch(tmp_path, "registry", "export", str(out / "r.xlsx")))
    assert "格尔木市人民政府 → 格尔木市公安局 → 格尔木市人民政府" in line or (
        "格尔木市公安局 → 格尔木市人民政府 → 格尔木市公安局" in line
    )
    # The older export stays as it was, and no temporary or partial file is left.
    assert sorted(p.name for p in out.iterdir()) == ["r.xlsx"]
    assert (out / "r.xlsx").read_bytes() == b"last quarter's export"
    # Other entities do not depend on the tree and still export.
    sites = govwatch(tmp_path, "registry", "export", str(out / "s.csv"), "--entity", "sites")
    assert sites.returncode == 0, sites.stderr
    # Mended, the whole registry exports again, parents before children.
    with sqlite3.connect(_db(tmp_path)) as con:
        con.execute(
            "update registry_unit set parent_id = ? where name = '格尔木市人民政府'",
            (ids["青海省人民政府"],),
        )
    whole = govwatch(tmp_path, "registry", "export", str(out / "units.csv"), "--entity", "units")
    assert whole.returncode == 0, whole.stderr
    names = [line.split(",")[0] for line in (out / "units.csv").read_text("utf-8-sig").splitlines()]
    assert names.index("青海省人民政府") < names.index("格尔木市人民政府")
    assert names.index("格尔木市人民政府") < names.index("格尔木市公安局")


def test_an_internal_error_is_one_line_exit_3_and_debug_shows_the_traceback(
    tmp_path: Path,
) -> None:
    _db(tmp_path).parent.mkdir(parents=True)
    _db(tmp_path).write_bytes(b"not a database at all " * 500)
    args = ("posts", "activity", "--from", "2024-01-01", "--to", "2024-01-31")
    line = _one_line_error(govwatch(tmp_path, *args), code=3)
    assert line.startswith("错误：内部错误（DatabaseError: file is not a database）")
    assert "加 --debug 查看详情" in line
    for debug in (["--debug", *args], [*args, "--debug"]):
        result = govwatch(tmp_path, *debug)
        assert result.returncode == 3
        assert "Traceback (most recent call last)" in result.stderr
        assert result.stderr.rstrip().splitlines()[-1].startswith("错误：内部错误")
    assert "--debug" in govwatch(tmp_path, "-h").stdout


@pytest.mark.parametrize("verb", ["serve", "run"])
def test_a_port_out_of_range_is_refused_in_chinese(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from govwatch.cli import main

    with pytest.raises(SystemExit) as exited:
        main([verb, "--port", "99999"])
    assert exited.value.code == 2
    assert "端口“99999”无效" in capsys.readouterr().err
