"""`govwatch users`: logins with roles from an office's table, all or nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from govwatch.cli import main
from govwatch.web.registry.models import Unit
from govwatch.web.users.models import Membership
from govwatch.web.users.selectors import scope_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> dict[str, Unit]:
    city = Unit.objects.create(name="示范市人民政府", level="市级", kind="政府")
    bureau = Unit.objects.create(name="示范市教育局", parent=city, level="市级", kind="部门")
    other = Unit.objects.create(name="邻市人民政府", level="市级", kind="政府")
    return {"city": city, "bureau": bureau, "other": other}


def table(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(
        "\n".join(
            ",".join(r)
            for r in [["登录名", "姓名", "角色", "所属单位", "电子邮箱", "手机号码"], *rows]
        ),
        encoding="utf-8",
    )
    return path


def test_import_creates_logins_with_their_scope(tmp_path: Path, units: dict, capsys) -> None:
    source = table(
        tmp_path / "users.csv",
        [
            ["zhangsan", "张三", "监管人员", "示范市人民政府", "zs@example.cn", ""],
            ["lisi", "李四", "单位填报人员", "示范市教育局", "", "13800000000"],
            ["wangwu", "王五", "领导", "示范市人民政府", "", ""],
        ],
    )
    out = tmp_path / "passwords.xlsx"
    assert main(["users", "import", str(source), "--passwords-out", str(out)]) == 0
    assert "新建 3 个" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sheet = openpyxl.load_workbook(out).active
    passwords = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert get_user_model().objects.get(username="lisi").check_password(passwords["lisi"])
    lisi = get_user_model().objects.get(username="lisi")
    assert scope_of(lisi).units == frozenset({units["bureau"].pk}) and scope_of(lisi).can_answer
    zhang = get_user_model().objects.get(username="zhangsan")
    assert scope_of(zhang).units == frozenset({units["city"].pk, units["bureau"].pk})
    assert not zhang.is_staff  # the admin site is for administrators only
    # Importing again updates, keeps the passwords, and writes no password file.
    again = tmp_path / "again.xlsx"
    assert main(["users", "import", str(source), "--passwords-out", str(again)]) == 0
    assert not again.exists()
    assert get_user_model().objects.get(username="lisi").check_password(passwords["lisi"])


def test_one_bad_row_imports_nothing(tmp_path: Path, units: dict, capsys) -> None:
    source = table(
        tmp_path / "users.csv",
        [
            ["ok", "", "监管人员", "示范市人民政府", "", ""],
            ["bad role", "", "局长", "示范市人民政府", "", ""],
            ["nounit", "", "单位填报人员", "", "", ""],
            ["ghost", "", "领导", "不存在的单位", "not-an-email", ""],
            ["ok", "", "领导", "示范市人民政府", "", ""],
        ],
    )
    assert main(["users", "import", str(source), "--passwords-out", str(tmp_path / "p.xlsx")]) == 2
    err = capsys.readouterr().err
    for text in (
        "第 3 行",
        "未知角色“局长”",
        "第 4 行",
        "必须填写所属单位",
        "第 5 行",
        "电子邮箱",
        "第 6 行：登录名“ok”与第 2 行重复",
    ):
        assert text in err
    assert not get_user_model().objects.exists() and not Membership.objects.exists()


def test_add_and_export(tmp_path: Path, units: dict, capsys) -> None:
    assert main(["users", "add", "zhao", "--role", "reader", "--unit", "示范市人民政府"]) == 0
    assert "初始密码" in capsys.readouterr().out
    assert main(["users", "add", "zhao", "--role", "unit_operator"]) == 2
    assert "必须指定所属单位" in capsys.readouterr().err
    out = tmp_path / "users.xlsx"
    assert main(["users", "export", "--out", str(out)]) == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("zhao", None, "领导（只读）", "示范市人民政府")
