"""The importer at scale: queries per batch, not per row; writes only what changed, in one
short transaction opened after every check; list cells checked like any other; capped
error lists. The 200,000-unit memory and time figures are bench/registry_import.py's."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govwatch.web.registry import importing
from govwatch.web.registry.importing import BATCH
from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias
from govwatch.web.registry.services import RegistryImportError, registry_import
from tests.helpers import write_csv, write_workbook
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db

N_UNITS = 20_000
WRITES = ("INSERT", "UPDATE", "DELETE")


def unit_rows(n: int, *, phone_prefix: str = "0971", changed_every: int = 0) -> list[list[str]]:
    """A province, then cities of ten units (a government and nine departments), each with
    an alias scoped to its city; every ``changed_every``-th unit gets another phone."""
    rows = [["某省人民政府", "省政府", "", "省级", "政府", "", "", ""]]
    for i in range(n - 1):
        city, d = divmod(i, 10)
        changed = changed_every and i % changed_every == 0
        phone = f"{'0972' if changed else phone_prefix}-{i:07d}"
        if d == 0:
            rows.append(
                [f"第{city}市人民政府", "市政府", "某省人民政府", "地市级", "政府", "", phone, ""]
            )
        else:
            rows.append([f"第{city}市第{d}局", f"市第{d}局", f"第{city}市人民政府", "地市级",
                         "部门", f"联系人{i}", phone, ""])  # fmt: skip
    return rows


def statements(queries: CaptureQueriesContext, *verbs: str) -> list[str]:
    """The captured statements starting with one of ``verbs`` (an executemany is logged once,
    as "N times: SQL")."""
    found = (re.sub(r"^\d+ times: ", "", q["sql"].lstrip()) for q in queries.captured_queries)
    return [sql for sql in found if sql.upper().startswith(verbs)]


def bounded(n_rows: int) -> int:
    """Queries an import may take: a fixed few, then a handful per BATCH rows."""
    return 20 + 4 * math.ceil(n_rows / BATCH)


def test_twenty_thousand_units_take_queries_per_batch_not_per_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, unit_rows(N_UNITS))
    with CaptureQueriesContext(connection) as first:
        report = registry_import(path)
    assert report.counts["units"].created == N_UNITS
    assert len(first) <= bounded(N_UNITS), len(first)
    assert Unit.objects.count() == N_UNITS and UnitAlias.objects.count() == N_UNITS
    police = Unit.objects.get(name="第1999市第3局")
    assert police.parent.name == "第1999市人民政府" and police.phone == "0971-0019993"
    alias = UnitAlias.objects.get(unit=police)
    assert (alias.alias, alias.scope_id) == ("市第3局", police.parent_id)
    assert report.write_seconds > 0

    # The same file again: read, compared, and nothing written at all.
    with CaptureQueriesContext(connection) as again:
        report = registry_import(path)
    assert report.counts["units"].unchanged == N_UNITS and not report.changed
    assert len(again) <= bounded(N_UNITS), len(again)
    assert statements(again, *WRITES, "SAVEPOINT", "BEGIN") == []  # not even a transaction
    assert report.write_seconds == 0

    # A tenth changed: only those rows, and only their changed column (and updated_at).
    changed = write_csv(
        tmp_path / "changed.csv", H.UNIT_HEADERS, unit_rows(N_UNITS, changed_every=10)
    )
    with CaptureQueriesContext(connection) as third:
        report = registry_import(changed)
    assert report.counts["units"].updated == (N_UNITS - 1 + 9) // 10
    assert len(third) <= bounded(N_UNITS), len(third)
    updates = statements(third, *WRITES)
    assert updates and all(u.upper().startswith("UPDATE") for u in updates)
    assert {tuple(re.findall(r'"(\w+)" = ', sql)) for sql in updates} == {
        ("phone", "updated_at", "id")
    }
    assert Unit.objects.get(name="第0市人民政府").phone == "0972-0000000"
    assert Unit.objects.filter(phone__startswith="0972").count() == report.counts["units"].updated


def test_sites_columns_and_accounts_take_queries_per_batch(tmp_path: Path) -> None:
    registry_import(write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, unit_rows(1_000)))
    n = 3_000
    sites = [
        [f"{4100000000 + i}", f"网站{i}", f"http://s{i}.example.gov.cn/", f"s{i}.gov.cn", "",
         "部门网站", f"第{i % 99}市第{1 + i % 9}局", "", "正常运行"]
        for i in range(n)
    ]  # fmt: skip
    columns = [
        [f"{4100000000 + i}", "通知公告", "", "通知公告政策文件类", f"第{i % 99}市人民政府", ""]
        for i in range(n)
    ]
    accounts = [
        ["抖音", f"账号{i}", f"dy{i}", f"第{i % 99}市第{1 + i % 9}局", "", "正常运行", "是", "",
         "", "是"]
        for i in range(n)
    ]  # fmt: skip
    sheets = {
        "网站": (H.SITE_HEADERS, sites),
        "栏目": (H.COLUMN_HEADERS, columns),
        "账号": (H.ACCOUNT_HEADERS, accounts),
    }
    path = write_workbook(tmp_path / "big.xlsx", sheets)
    with CaptureQueriesContext(connection) as first:
        report = registry_import(path)
    assert {k: c.created for k, c in report.counts.items()} == {
        "sites": n, "columns": n, "accounts": n,
    }  # fmt: skip
    assert len(first) <= bounded(3 * n), len(first)
    column = Column.objects.get(site__site_code="4100002998", name="通知公告")
    assert [u.name for u in column.responsible_units.all()] == ["第28市人民政府"]
    assert Site.objects.get(site_code="4100002998").extra_hosts == ["s2998.gov.cn"]
    with CaptureQueriesContext(connection) as again:
        assert not registry_import(path).changed
    assert statements(again, *WRITES) == []
    assert len(again) <= bounded(3 * n), len(again)
    assert Account.objects.count() == n


def test_a_refused_file_never_opens_the_write_transaction(tmp_path: Path) -> None:
    rows = unit_rows(5_000)
    rows[-1][3] = "市级"  # one bad cell on the last line
    path = write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, rows)
    with CaptureQueriesContext(connection) as queries, pytest.raises(RegistryImportError) as caught:
        registry_import(path)
    assert caught.value.errors[0].startswith("「units」第5001行「层级」列：无法识别的取值「市级」")
    assert statements(queries, *WRITES, "SAVEPOINT", "BEGIN") == []
    assert Unit.objects.count() == 0


def test_dry_run_reads_and_compares_but_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, unit_rows(2_000))
    with CaptureQueriesContext(connection) as queries:
        report = registry_import(path, dry_run=True)
    assert report.counts["units"].created == 2_000 and report.write_seconds == 0
    assert statements(queries, *WRITES, "SAVEPOINT", "BEGIN") == []
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("sheet", "headers", "row", "column"),
    [
        ("units", H.UNIT_HEADERS, ["某县农业局", "短名；" + "长" * 10_000, "", "县级", "部门", "", "", ""], "别名"),
        ("sites", H.SITE_HEADERS, ["6328010009", "x", "http://x.gov.cn/", "h" * 10_000 + ".cn", "",
                                   "部门网站", "格尔木市公安局", "", "正常运行"], "其他域名"),
        ("columns", H.COLUMN_HEADERS, ["6328010001", "新栏目", "", "其他", "格" * 300, ""], "保障单位"),
    ],
)  # fmt: skip
def test_list_items_get_the_length_check_of_any_cell(
    tmp_path: Path, sheet: str, headers: list[str], row: list[str], column: str
) -> None:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    before = H.snapshot()
    with pytest.raises(RegistryImportError) as caught:
        registry_import(write_csv(tmp_path / f"{sheet}.csv", headers, [row]))
    [error] = caught.value.errors
    assert error.startswith(f"「{sheet}」第2行「{column}」列：内容过长")
    assert "每项最多 200 字" in error and len(error) < 120  # the item is shown cut short
    assert H.snapshot() == before


def test_error_list_is_capped_with_the_count_of_the_rest(tmp_path: Path) -> None:
    rows = [[f"某局{i}", "", "不存在的上级单位", "县级", "部门", "", "", ""] for i in range(500)]
    with pytest.raises(RegistryImportError) as caught:
        registry_import(write_csv(tmp_path / "units.csv", H.UNIT_HEADERS, rows))
    errors = caught.value.errors
    assert caught.value.total == 500 and len(errors) == 201
    assert errors[0].startswith("「units」第2行「上级单位」列：未登记的单位「不存在的上级单位」")
    assert re.fullmatch(r"\D*另有 ?300 ?处错误未列出\D*", errors[-1])
    assert Unit.objects.count() == 0


def test_two_rows_naming_one_unit_are_refused(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    before = H.snapshot()
    rows = [
        ["格尔木市人力资源和社会保障局", "", "格尔木市人民政府", "县级", "部门", "甲", "", ""],
        ["市人社局", "", "格尔木市人民政府", "县级", "部门", "乙", "", ""],  # its alias
        ["某县 农业局", "", "", "县级", "部门", "", "", ""],
        ["某县农业局", "", "", "县级", "部门", "", "", ""],  # the same name, spaced otherwise
    ]
    with pytest.raises(RegistryImportError) as caught:
        registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows))
    assert caught.value.errors == [
        "「u」第3行「单位名称」列：与第2行是同一单位",
        "「u」第5行「单位名称」列：与第4行是同一单位",
    ]
    assert H.snapshot() == before


def test_new_units_nest_in_any_order(tmp_path: Path) -> None:
    rows = [
        ["某村委会", "", "某镇人民政府", "其他", "其他", "", "", ""],
        ["某镇人民政府", "镇政府", "某县人民政府", "乡镇级", "政府", "", "", ""],
        ["某县农业局", "县农业局", "某县人民政府", "县级", "部门", "", "", ""],
        ["某县人民政府", "县政府", "某市人民政府", "县级", "政府", "", "", ""],
        ["某市人民政府", "市政府", "", "地市级", "政府", "", "", ""],
    ]
    path = write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows)
    registry_import(path)
    chain = []
    unit: Unit | None = Unit.objects.get(name="某村委会")
    while unit is not None:
        chain.append(unit.name)
        unit = unit.parent
    assert chain == ["某村委会", "某镇人民政府", "某县人民政府", "某市人民政府"]
    scopes = dict(UnitAlias.objects.values_list("alias", "scope__name"))
    assert scopes == {
        "镇政府": "某镇人民政府", "县农业局": "某县人民政府", "县政府": "某县人民政府",
        "市政府": "某市人民政府",
    }  # fmt: skip
    assert not registry_import(path).changed


def test_a_unit_moved_to_another_region_takes_its_aliases_along(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    rows = [["格尔木市人力资源和社会保障局", "市人社局；市人力资源和社会保障局", "开封市人民政府",
             "县级", "部门", "", "", ""]]  # fmt: skip
    report = registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows))
    assert report.counts["units"].updated == 1
    [change] = report.changes
    assert "上级单位: '格尔木市人民政府' → '开封市人民政府'" in change
    scopes = set(
        UnitAlias.objects.filter(unit__name="格尔木市人力资源和社会保障局").values_list(
            "scope__name", flat=True
        )
    )
    assert scopes == {"开封市人民政府"}


def test_a_unit_becoming_a_government_scopes_its_aliases_to_itself(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    rows = [["格尔木市公安局", "市公安局", "格尔木市人民政府", "县级", "政府", "", "", ""]]
    report = registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows))
    [change] = report.changes
    assert "单位类型: 'department' → 'government'" in change
    assert "别名适用地区: '格尔木市人民政府' → '格尔木市公安局'" in change
    alias = UnitAlias.objects.get(alias="市公安局", unit__name="格尔木市公安局")
    assert alias.scope.name == "格尔木市公安局"


def test_a_registry_changed_while_planning_is_planned_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning runs outside the transaction: an edit in between (the admin, another
    import) is seen by the write's check, and the import plans again on the new state."""
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    rows = [["格尔木市教育局", "市教育局", "格尔木市人民政府", "县级", "部门", "王五", "", ""]]
    path = write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows)
    plans = []
    run = importing._Planner.run

    def run_then_someone_edits(planner: importing._Planner, tables: dict) -> None:
        run(planner, tables)
        plans.append(planner.writes)
        if len(plans) == 1:  # the office adds the same unit by hand meanwhile
            parent = Unit.objects.get(name="格尔木市人民政府")
            Unit.objects.create(name="格尔木市教育局", level="county", kind="department",
                                parent=parent)  # fmt: skip

    monkeypatch.setattr(importing._Planner, "run", run_then_someone_edits)
    report = registry_import(path)
    assert len(plans) == 2
    assert report.counts["units"].updated == 1  # the second plan updates the unit it found
    unit = Unit.objects.get(name="格尔木市教育局")
    assert unit.contact_person == "王五" and unit.aliases.get().alias == "市教育局"


def test_an_alias_of_every_city_names_a_few_units_not_all(tmp_path: Path) -> None:
    rows = [["某省人民政府", "", "", "省级", "政府", "", "", ""]]
    for city in range(30):
        rows.append([f"第{city}市人民政府", "", "某省人民政府", "地市级", "政府", "", "", ""])
        rows.append([f"第{city}市公安局", "市公安局", f"第{city}市人民政府", "地市级", "部门", "",
                     "", ""])  # fmt: skip
    registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows))
    accounts = [["抖音", "某号", "", "市公安局", "", "正常运行", "是", "", "", "是"]]
    with pytest.raises(RegistryImportError) as caught:
        registry_import(write_csv(tmp_path / "a.csv", H.ACCOUNT_HEADERS, accounts))
    [error] = caught.value.errors
    assert "有歧义" in error and "等 30 个单位" in error
    assert error.count("公安局（") == 10
