"""The `govwatch` command contract: exit codes, Chinese messages, no waiting for input.

Each test runs the real command in a subprocess on its own SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_csv
from tests.web.registry import helpers as H


def govwatch(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return python(tmp_path, "-m", "govwatch", *args, **env)


def python(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "DATABASE_URL"))
    }
    environment.update(GOVWATCH_DATA_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_init_without_terminal_never_waits_and_says_so(tmp_path: Path) -> None:
    result = govwatch(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert "未创建管理员" in result.stdout and "GOVWATCH_ADMIN_PASSWORD" in result.stdout
    assert (tmp_path / "var" / "govwatch.sqlite3").is_file()


def test_init_creates_admin_from_environment_once(tmp_path: Path) -> None:
    first = govwatch(tmp_path, "init", GOVWATCH_ADMIN_PASSWORD="s3cret-for-test")
    assert first.returncode == 0 and "已创建管理员 admin" in first.stdout
    again = govwatch(tmp_path, "init", GOVWATCH_ADMIN_PASSWORD="s3cret-for-test")
    assert again.returncode == 0 and "管理员已存在" in again.stdout


def test_import_bad_file_exits_2_with_row_and_column(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "sites.csv", H.SITE_HEADERS, [["123", *H.BASE_SITES[0][1:]]])
    result = govwatch(tmp_path, "registry", "import", str(bad))
    assert result.returncode == 2
    assert "未写入任何数据" in result.stderr
    assert "第2行「网站标识码」列" in result.stderr


def test_import_missing_file_exits_2(tmp_path: Path) -> None:
    result = govwatch(tmp_path, "registry", "import", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 2 and "找不到文件" in result.stderr


def test_import_dry_run_then_real_then_export(tmp_path: Path) -> None:
    workbook = H.base_workbook(tmp_path / "r.xlsx")
    dry = govwatch(tmp_path, "registry", "import", str(workbook), "--dry-run")
    assert (
        dry.returncode == 0
        and "试运行（未写入）" in dry.stdout
        and "新增网站：6328010001" in dry.stdout
    )
    real = govwatch(tmp_path, "registry", "import", str(workbook), "--json")
    assert real.returncode == 0 and '"created": 7' in real.stdout
    out = tmp_path / "out.xlsx"
    exported = govwatch(tmp_path, "registry", "export", str(out))
    assert exported.returncode == 0 and out.is_file() and "units 7 行" in exported.stdout
    no_entity = govwatch(tmp_path, "registry", "export", str(tmp_path / "x.csv"))
    assert no_entity.returncode == 2 and "--entity" in no_entity.stderr


@pytest.mark.parametrize("args", [["nonsense"], ["registry"], []])
def test_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    assert govwatch(tmp_path, *args).returncode == 2


def test_bad_date_is_refused_in_chinese_before_anything_runs(tmp_path: Path) -> None:
    result = govwatch(tmp_path, "scan", "--date", "2024-13-01")
    assert result.returncode == 2
    assert result.stderr.startswith("错误：") and "日期“2024-13-01”无法识别" in result.stderr
    assert "invalid" not in result.stderr and not (tmp_path / "var").exists()


def test_database_ready_migrates_only_when_needed(tmp_path: Path) -> None:
    script = """
from govwatch.cli.base import database_ready, setup_django
setup_django()
from django.db.models.signals import pre_migrate
runs = []
pre_migrate.connect(lambda **kwargs: runs.append(1), weak=False)
database_ready()
first = len(runs)
database_ready()
print(first > 0, len(runs) - first)
"""
    result = python(tmp_path, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0"]  # the new database migrated once, then never


DEMO_LOGIN = re.compile(
    r"      (监管人员（示范省人民政府）|单位填报人员（示范开发区管理委员会）|领导（只读，示范省人民政府）)"
    r"：登录名 (\w+) 密码 ([\w-]+)（http://127\.0\.0\.1:8000/(supervise|portal)/）"
)
DEMO_CHECK = """
import json, sys
from govwatch.cli.base import setup_django
setup_django()
from django.contrib.auth import get_user_model
from govwatch.web.tickets.models import ProblemItem, ProblemList
out = {}
for name, password in json.loads(sys.argv[1]).items():
    user = get_user_model().objects.get(username=name)
    works = user.is_active and user.check_password(password)
    out[name] = works and [user.membership.role, user.membership.unit.name]
out["lists"] = ProblemList.objects.count()
out["items"] = ProblemItem.objects.count()
out["operator_items"] = list(
    ProblemItem.objects.filter(problem_list__unit__name="示范开发区管理委员会")
    .values_list("code", "message")
)
print(json.dumps(out, ensure_ascii=False))
"""


def test_demo_main_job_runs_end_to_end(tmp_path: Path) -> None:
    """The README's first command, without the final serve: registry, farm, scan, inspect, bulletin."""
    result = govwatch(tmp_path, "demo", "--no-serve", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "[8/8] 通报已生成" in result.stdout
    assert "不合格  示范区人民政府" in result.stdout
    # The demo accounts' feeds: a silent account fails, a failing feed is not judged.
    assert "成功 4，失败 1" in result.stdout
    assert "不合格  示范交警" in result.stdout and "无法判定  示范卫健" in result.stdout
    assert "合格  示范发布" in result.stdout
    assert list((tmp_path / "out").glob("通报-*.docx"))
    demo_profile = str(Path(__file__).resolve().parents[1] / "demo" / "profile-demo.yaml")
    again = govwatch(tmp_path, "inspect", "--period", "2024Q3", "--profile", demo_profile, "--json")
    # Availability from the demo's 20 probe rounds: the flaky site fails 2 in 20 (10 %,
    # the veto), the site beside it none.
    assert "示范县人民政府：探测 20 次，失败 2 次" in result.stdout
    assert "示范市人民政府：探测 20 次，失败 0 次" in result.stdout
    assert "不合格  示范县人民政府  单项否决：站点无法访问" in result.stdout
    assert "合格  示范市人民政府" in result.stdout
    # Qualified: dm1, dm4 and the fixable dm6 (its missing ICP备案号 is a warning) of six.
    assert again.returncode == 0 and '"pass_rate": "50.00%"' in again.stdout
    # The shipped national profile needs a week of probes (7 × 20): the demo's twenty per
    # site leave availability, and so the verdict of every site without a veto, undecided.
    national = json.loads(govwatch(tmp_path, "inspect", "--period", "2024Q3", "--json").stdout)
    sites = {r["name"]: r for r in national["results"] if r["kind"] == "site"}
    for name in ("示范市人民政府", "示范县人民政府", "示范镇人民政府"):
        assert (
            sites[name]["verdict"] == "unknown" and "监测次数不足（20次）" in sites[name]["reason"]
        )
    assert sites["示范区人民政府"]["verdict"] == "unqualified"  # a veto decides all the same
    scan = govwatch(tmp_path, "scan", "--site", "0000000000")
    assert scan.returncode == 2 and "未登记的网站标识码" in scan.stderr
    _demo_lists_and_logins(tmp_path, result.stdout)


def _demo_lists_and_logins(tmp_path: Path, first: str) -> None:
    """Step 7 confirms and sends the problem lists; the summary prints three logins that
    work, with their roles; a second run on the same folder sends nothing again."""
    assert "[7/8] 确认问题并下发问题清单（演示监管人员 demo_jianguan）" in first
    confirmed = re.search(r"确认问题 (\d+) 个（理由“演示：监管人员确认”）\n", first)
    sent = re.search(r"已下发问题清单 (\d+) 份、问题 (\d+) 条（整改期限 \d{4}年\d+月\d+日）", first)
    assert confirmed and sent, first
    assert "      示范开发区管理委员会：1 条" in first  # the fixable site's unit
    logins = {
        name: (label, password, path) for label, name, password, path in DEMO_LOGIN.findall(first)
    }
    assert {n: (label, path) for n, (label, _, path) in logins.items()} == {
        "demo_jianguan": ("监管人员（示范省人民政府）", "supervise"),
        "demo_danwei": ("单位填报人员（示范开发区管理委员会）", "portal"),
        "demo_lingdao": ("领导（只读，示范省人民政府）", "supervise"),
    }
    passwords = {name: password for name, (_, password, _) in logins.items()}
    checked = python(tmp_path, "-c", DEMO_CHECK, json.dumps(passwords))
    assert checked.returncode == 0, checked.stderr
    state = json.loads(checked.stdout)
    assert state["demo_jianguan"] == ["supervisor", "示范省人民政府"]
    assert state["demo_danwei"] == ["unit_operator", "示范开发区管理委员会"]
    assert state["demo_lingdao"] == ["reader", "示范省人民政府"]
    lists, items = int(sent[1]), int(sent[2])
    assert (state["lists"], state["items"]) == (lists, items) and items == int(confirmed[1])
    assert [code for code, _ in state["operator_items"]] == ["SIT003"]
    assert "ICP备案编号" in state["operator_items"][0][1]

    again = govwatch(tmp_path, "demo", "--no-serve", "--out", str(tmp_path / "out"))
    assert again.returncode == 0, again.stderr
    assert f"确认问题 0 个（理由“演示：监管人员确认”）；{items} 个沿用此前的认定" in again.stdout
    assert "已下发问题清单 0 份、问题 0 条\n" in again.stdout
    assert f"另有 {items} 条已在本检查期此前下发的问题清单中，不重复下发" in again.stdout
    assert DEMO_LOGIN.findall(again.stdout) == DEMO_LOGIN.findall(first)  # same passwords
    recount = json.loads(python(tmp_path, "-c", DEMO_CHECK, json.dumps(passwords)).stdout)
    assert (recount["lists"], recount["items"]) == (lists, items)


def test_help_headings_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from govwatch.cli import main

    for argv in (["-h"], ["scan", "-h"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith("用法：") and "选项：" in text
        assert "usage:" not in text and "options:" not in text
