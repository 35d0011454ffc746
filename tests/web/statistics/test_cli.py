"""`govwatch stats` in a subprocess on its own SQLite file, like tests/test_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import DEMO, seed_path
from tests.test_cli import govwatch
from tests.web.statistics import helpers as H

# No database marker: each command runs in its own process on tmp_path's SQLite file.


def test_import_table_check_workbook_and_a_bad_file(tmp_path: Path) -> None:
    registry = govwatch(tmp_path, "registry", "import", str(DEMO / "units.csv"))
    assert registry.returncode == 0, registry.stderr
    a1 = str(seed_path("000_a1_office_system_usage.csv"))
    common = ("--kind", "office_documents", "--period", "2024Q2", "--scope", H.GOLMUD)

    dry = govwatch(tmp_path, "stats", "import", a1, *common, "--dry-run")
    assert dry.returncode == 0 and "试运行（未写入）" in dry.stdout, dry.stderr
    real = govwatch(tmp_path, "stats", "import", a1, *common, "--json")
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout)["rows"] == 30

    table = govwatch(tmp_path, "stats", "table", "--kind", "office_documents",
                     "--period", "2024Q2", "--json")  # fmt: skip
    assert table.returncode == 0, table.stderr
    data = json.loads(table.stdout)
    assert data["rows"][-1] == {"kind": "total", "cells": ["总计", "", 25273, 3068, ""]}
    text = govwatch(tmp_path, "stats", "table", "--kind", "office_documents", "--period", "2024Q2")
    assert "总计\t\t25273\t3068\t" in text.stdout

    bad = H.copy_seed(
        "000_a1_office_system_usage.csv", tmp_path / "bad.csv", {(2, "documents_sent"): "-1"}
    )
    refused = govwatch(tmp_path, "stats", "import", str(bad), *common)
    assert refused.returncode == 2
    assert "未写入任何数据" in refused.stderr and "「bad」第4行「发文（份）」列" in refused.stderr
    again = govwatch(tmp_path, "stats", "table", "--kind", "office_documents",
                     "--period", "2024Q2", "--json")  # fmt: skip
    assert json.loads(again.stdout) == data

    missing = govwatch(tmp_path, "stats", "table", "--kind", "letters", "--period", "2024Q2")
    assert missing.returncode == 2 and "没有导入" in missing.stderr

    out = tmp_path / "q2.xlsx"
    book = govwatch(tmp_path, "stats", "workbook", "--period", "2024Q2", "--out", str(out))
    assert book.returncode == 0 and out.is_file(), book.stderr


def test_check_exits_1_on_broken_cross_totals(tmp_path: Path) -> None:
    s4 = seed_path("001_s4_review_litigation.csv")
    good = govwatch(tmp_path, "stats", "import", str(s4), "--kind", "disclosure_s4",
                    "--period", "2024")  # fmt: skip
    assert good.returncode == 0, good.stderr
    ok = govwatch(tmp_path, "stats", "check", "--period", "2024")
    assert ok.returncode == 0 and "全部一致" in ok.stdout

    broken = H.copy_seed("001_s4_review_litigation.csv", tmp_path / "s4.csv", {(0, "pending"): "0"})
    assert govwatch(tmp_path, "stats", "import", str(broken), "--kind", "disclosure_s4",
                    "--period", "2024").returncode == 0  # fmt: skip
    bad = govwatch(tmp_path, "stats", "check", "--period", "2024")
    assert bad.returncode == 1
    assert "行政复议总计为11" in bad.stdout and "之和为10" in bad.stdout
    none = govwatch(tmp_path, "stats", "check", "--period", "2023")
    assert none.returncode == 2
