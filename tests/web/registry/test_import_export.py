"""Import, re-import and export of the registry."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias
from govwatch.web.registry.services import (
    UnitLookupError,
    registry_export,
    registry_import,
    unit_resolve,
)
from tests.helpers import write_csv, write_workbook
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db


def read_workbook(path: Path) -> dict[str, list[list[str]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return {
        ws.title: [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
        for ws in workbook.worksheets
    }


def test_import_creates_everything(tmp_path: Path) -> None:
    report = registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    assert {k: v.created for k, v in report.counts.items()} == {
        "units": 7, "sites": 2, "columns": 2, "accounts": 2,
    }  # fmt: skip
    site = Site.objects.get(site_code="6328010001")
    assert site.operating_unit.name == "格尔木市人民政府"
    assert site.extra_hosts == ["geermu.gov.cn"]
    assert site.business_systems == ["http://zwfw.geermu.gov.cn/"]
    assert Site.objects.get(site_code="bm41000001").supervising_unit.name == "开封市人民政府"
    column = Column.objects.get(name="通知公告")
    assert column.kind == "notice_policy" and column.cadence_days == 30
    assert [u.name for u in Column.objects.get(name="本地要闻").responsible_units.all()] == [
        "格尔木市人民政府"
    ]
    feed = Account.objects.get(name="开封市反诈骗中心")
    assert (feed.platform, feed.ingestion_source, feed.registered_national) == (
        "douyin",
        "feed",
        False,
    )
    assert feed.has_interaction is False


def test_second_import_changes_nothing(tmp_path: Path) -> None:
    path = H.base_workbook(tmp_path / "r.xlsx")
    registry_import(path)
    before = H.snapshot()
    report = registry_import(path)
    assert not report.changed
    assert all(c.created == c.updated == 0 for c in report.counts.values())
    assert H.snapshot() == before


def test_export_then_import_round_trips_exactly(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    first = tmp_path / "first.xlsx"
    registry_export(first)
    before = H.snapshot()
    assert not registry_import(first).changed
    assert H.snapshot() == before
    # Into an empty database: the same registry comes out again, cell for cell.
    for model in (Account, Column, Site, UnitAlias):
        model.objects.all().delete()
    Unit.objects.update(parent=None)
    Unit.objects.all().delete()
    registry_import(first)
    second = tmp_path / "second.xlsx"
    registry_export(second)
    assert read_workbook(first) == read_workbook(second)
    assert read_workbook(first)["单位"][0] == H.UNIT_HEADERS


def test_csv_export_per_entity_round_trips(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    before = H.snapshot()
    for entity in ("units", "sites", "columns", "accounts"):
        path = tmp_path / f"{entity}.csv"
        registry_export(path, entity)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
        assert not registry_import(path).changed
    assert H.snapshot() == before


def test_reimport_updates_by_natural_key(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    site = list(H.BASE_SITES[0])
    site[1] = "格尔木市人民政府门户网站"
    site[8] = "临时关停"
    account = list(H.BASE_ACCOUNTS[1])
    account[2] = "dy_123"  # the id becomes known: same account, not a new one
    account[9] = "是"
    path = write_workbook(
        tmp_path / "update.xlsx",
        {"网站": (H.SITE_HEADERS, [site]), "账号": (H.ACCOUNT_HEADERS, [account])},
    )
    dry = registry_import(path, dry_run=True)
    assert dry.counts["sites"].updated == 1 and dry.counts["accounts"].updated == 1
    assert any("临时关停" in line or "temporarily_closed" in line for line in dry.changes)
    assert Site.objects.get(site_code="6328010001").status == "running"  # dry run wrote nothing
    registry_import(path)
    updated = Site.objects.get(site_code="6328010001")
    assert (updated.name, updated.status) == ("格尔木市人民政府门户网站", "temporarily_closed")
    assert Site.objects.count() == 2 and Account.objects.count() == 2
    assert Account.objects.get(platform_id="dy_123").has_interaction is True


def test_alias_resolution_is_scoped_to_region(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    assert unit_resolve("市公安局", scope="格尔木市人民政府").name == "格尔木市公安局"
    assert unit_resolve("市公安局", scope="开封市人民政府").name == "开封市公安局"
    assert unit_resolve("市人社局", scope="格尔木市人民政府").name == "格尔木市人力资源和社会保障局"
    assert unit_resolve("市人社局").name == "格尔木市人力资源和社会保障局"  # unique everywhere
    # Brackets and stray spaces from PDF line breaks do not distinguish units.
    assert unit_resolve("格尔木市 公安局").name == "格尔木市公安局"
    with pytest.raises(UnitLookupError, match="有歧义"):
        unit_resolve("市公安局")
    with pytest.raises(UnitLookupError, match="是否指"):
        unit_resolve("格尔木市公按局")


def test_unit_renamed_keeps_identity_through_alias(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    original = Unit.objects.get(name="格尔木市人力资源和社会保障局")
    rows = [["市人力资源和社会保障局", "市人社局", "格尔木市人民政府", "县级", "部门", "", "", ""]]
    # The file names the unit by an alias: that is the same unit, renamed.
    registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows), scope=None)
    renamed = Unit.objects.get(pk=original.pk)
    assert renamed.name == "市人力资源和社会保障局"
    assert Unit.objects.count() == 7


def test_parent_may_come_after_child_in_the_sheet(tmp_path: Path) -> None:
    rows = [
        ["某县农业局", "", "某县人民政府", "县级", "部门", "", "", ""],
        ["某县人民政府", "县政府", "", "县级", "政府", "", "", ""],
    ]
    registry_import(write_csv(tmp_path / "u.csv", H.UNIT_HEADERS, rows))
    assert Unit.objects.get(name="某县农业局").parent.name == "某县人民政府"


def test_site_without_public_services_round_trips(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "r.xlsx"))
    assert Site.objects.get(site_code="bm41000001").has_public_services  # empty column = 是
    headers = [*H.SITE_HEADERS, "提供办事服务"]
    row = [*H.BASE_SITES[1], "否"]
    registry_import(write_csv(tmp_path / "s.csv", headers, [row]))
    assert not Site.objects.get(site_code="bm41000001").has_public_services
    out = tmp_path / "sites.csv"
    registry_export(out, "sites")
    assert "否" in out.read_text(encoding="utf-8-sig").splitlines()[-1].split(",")[-1]
    assert not registry_import(out).changed
