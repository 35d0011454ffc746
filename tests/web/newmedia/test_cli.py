"""`govwatch posts` in a subprocess on its own SQLite file, like tests/test_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import write_csv
from tests.test_cli import govwatch
from tests.web.newmedia import helpers as H
from tests.web.registry import helpers as R

# No database marker: each command runs in its own process on tmp_path's SQLite file.


def test_import_activity_and_a_bad_file(tmp_path: Path) -> None:
    registry = govwatch(tmp_path, "registry", "import", str(R.base_workbook(tmp_path / "r.xlsx")))
    assert registry.returncode == 0, registry.stderr
    rows = [
        [platform, name, f"2024-02-{day:02d} 09:00", "动态", f"https://x/{day}", "原创"]
        for platform, name in (("微信订阅号", "平安格尔木"), ("抖音", "开封市反诈骗中心"))
        for day in (1, 2, 9)
    ]
    good = write_csv(tmp_path / "posts.csv", H.EXPORT_HEADERS, rows, "gbk")
    dry = govwatch(tmp_path, "posts", "import", str(good), "--dry-run")
    assert dry.returncode == 0 and "试运行（未写入）" in dry.stdout, dry.stderr
    real = govwatch(tmp_path, "posts", "import", str(good), "--json")
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout)["new"] == 6

    act = govwatch(tmp_path, "posts", "activity", "--from", "2024-02-01", "--to", "2024-02-10", "--json")  # fmt: skip
    assert act.returncode == 0, act.stderr
    listed = {a["name"]: a for a in json.loads(act.stdout)["accounts"]}
    mine = listed["平安格尔木"]
    assert (mine["post_count"], mine["longest_gap_days"], mine["state"]) == (3, 6, "known")
    # A feed account never fetched: its imported posts are shown, its state is unknown.
    assert (listed["开封市反诈骗中心"]["state"], listed["开封市反诈骗中心"]["health"]) == (
        "unknown",
        "尚未采集",
    )

    bad = write_csv(tmp_path / "bad.csv", H.EXPORT_HEADERS, [["抖音", "不存在", "x", "", "", ""]], "utf-8")  # fmt: skip
    refused = govwatch(tmp_path, "posts", "import", str(bad))
    assert refused.returncode == 2
    assert "未写入任何数据" in refused.stderr and "「bad」第2行「账号名称」列" in refused.stderr

    fetched = govwatch(tmp_path, "posts", "fetch", "--json")
    assert fetched.returncode == 0, fetched.stderr
    # The feed points at a loopback port the settings do not allow: a failed attempt.
    result = json.loads(fetched.stdout)
    assert (result["accounts"], result["failed"]) == (1, 1)
    after = govwatch(tmp_path, "posts", "activity", "--from", "2024-02-01", "--to", "2024-02-10")  # fmt: skip
    assert "更新情况未知：自" in after.stdout and "已连续失败 1 次" in after.stdout
    unknown = govwatch(tmp_path, "posts", "fetch", "--account", "没有这个号")
    assert unknown.returncode == 2 and "未登记" in unknown.stderr
