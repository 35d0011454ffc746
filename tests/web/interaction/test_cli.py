"""`govwatch interaction` in a subprocess on its own SQLite file, like tests/test_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import write_csv
from tests.test_cli import govwatch
from tests.web.interaction import helpers as H
from tests.web.registry import helpers as R

# No database marker: each command runs in its own process on tmp_path's SQLite file.

ROWS = [
    ["2024050001", "市长信箱", "市公安局", "2024-05-06 09:00", "2024-05-07 10:00", "已办结"],
    ["2024050002", "市长信箱", "市人社局", "2024-05-08 09:00", "", "正在办理"],
    ["2024050003", "市长信箱", "市人力资源和社会保障局", "2024-06-27 09:00", "", ""],
]


def test_import_messages_then_table_and_a_bad_file(tmp_path: Path) -> None:
    registry = govwatch(tmp_path, "registry", "import", str(R.base_workbook(tmp_path / "r.xlsx")))
    assert registry.returncode == 0, registry.stderr
    good = write_csv(tmp_path / "m.csv", H.MESSAGE_HEADERS, ROWS)
    scope = ("--scope", "格尔木市人民政府")

    dry = govwatch(tmp_path, "interaction", "import-messages", str(good), *scope, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "试运行（未写入）" in dry.stdout and "新增：市长信箱 2024050001" in dry.stdout

    real = govwatch(tmp_path, "interaction", "import-messages", str(good), *scope)
    assert real.returncode == 0 and "新增 3" in real.stdout, real.stderr

    table = govwatch(
        tmp_path, "interaction", "messages", "--from", "2024-04-01", "--to", "2024-06-30",
        "--box", "市长信箱", "--limit-days", "5", "--json",
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    data = json.loads(table.stdout)
    units = {u["unit"]: u for u in data["units"]}
    hr = units["格尔木市人力资源和社会保障局"]
    assert (hr["letters_received"], hr["letters_replied"]) == (2, 0)
    assert hr["open_message_ids"] == ["2024050002", "2024050003"]
    assert hr["overdue_message_ids"] == ["2024050002"]  # 6-27 is not due until 7-4
    assert (data["total"]["letters_received"], data["total"]["letters_replied"]) == (3, 1)

    text = govwatch(
        tmp_path, "interaction", "messages", "--from", "2024-04-01", "--to", "2024-06-30"
    )
    assert text.returncode == 0 and "合计\t3\t1\t2\t1\t2024050002；2024050003" in text.stdout

    bad = write_csv(
        tmp_path / "bad.csv",
        H.MESSAGE_HEADERS,
        [ROWS[0], ["2024050009", "市长信箱", "市星际旅行局", "2024-05-09 09:00", "", ""]],
    )
    refused = govwatch(tmp_path, "interaction", "import-messages", str(bad), *scope)
    assert refused.returncode == 2
    assert "未写入任何数据" in refused.stderr and "「bad」第3行「承办单位」列" in refused.stderr

    reversed_period = govwatch(
        tmp_path, "interaction", "tests", "--from", "2024-06-30", "--to", "2024-04-01"
    )
    assert reversed_period.returncode == 2 and "早于" in reversed_period.stderr


def test_import_tests_then_buckets_and_rate(tmp_path: Path) -> None:
    assert (
        govwatch(
            tmp_path, "registry", "import", str(R.base_workbook(tmp_path / "r.xlsx"))
        ).returncode
        == 0
    )
    rows = [
        ["K1", "bm41000001", "", "", "", "我要咨询", "问", "2024-02-09 10:00", "是", "",
         "2024-02-18 10:00", "答", "答复"],
        ["K2", "", "开封市公安局网站", "", "", "我要咨询", "问", "2024-02-02 09:00", "是", "",
         "2024-02-09 09:00", "答", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "t.csv", H.TEST_HEADERS, rows)
    imported = govwatch(tmp_path, "interaction", "import-tests", str(path), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["created"] == 2
    result = govwatch(
        tmp_path, "interaction", "tests", "--from", "2024-02-01", "--to", "2024-02-29", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    counts = {b["bucket"]: b["count"] for b in data["buckets"]}
    assert counts["within_1_working_day"] == 1 and counts["over_5_working_days"] == 1
    assert data["on_time_reply_rate"] == "50.00%"
    text = govwatch(tmp_path, "interaction", "tests", "--from", "2024-02-01", "--to", "2024-02-29")
    assert "按期答复率\t50.00%（1/2）" in text.stdout
    missing = govwatch(tmp_path, "interaction", "import-tests", str(tmp_path / "nope.xlsx"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
