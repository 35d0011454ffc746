"""Every seed table imported into the database and rebuilt from it: same values, same totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from govwatch.engine.reports.tables import Table
from govwatch.web.statistics.models import StatisticsBatch, StatisticsRow
from govwatch.web.statistics.services import (
    late_commissioned_articles,
    statistics_import,
    statistics_table,
    statistics_workbook,
)
from tests.helpers import load_demo_registry, read_seed, seed_path, stated
from tests.web.statistics import helpers as H

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    load_demo_registry()
    for name, kind, period, scope in H.SEED_IMPORTS:
        report = statistics_import(seed_path(name), kind, period=period, scope=scope)
        assert report.rows == len(read_seed(name)), name


def _cells(table: Table) -> list[list[str]]:
    return [["" if c is None else str(c) for c in row.cells] for row in table.data_rows()]


def test_every_unit_cell_resolves_to_a_registered_unit(seeded: None) -> None:
    for name, kind, period, _ in H.SEED_IMPORTS:
        batch = StatisticsBatch.objects.get(kind=kind, period=period)
        linked = StatisticsRow.objects.filter(batch=batch, unit__isnull=False).count()
        if kind in ("office_documents", "letters", "portal_submissions", "submissions"):
            assert linked == len(read_seed(name)), name
    # 000 附件5 writes 市工商科技局 and 市工商科信局: one unit under two spellings.
    app = StatisticsBatch.objects.get(kind="app_columns", period="2024Q2")
    units = {r.values["responsible_unit"]: r.unit.name for r in app.rows.select_related("unit")}
    assert units["市工商科技局"] == units["市工商科信局"] == "格尔木市工业信息化和科技局"


def test_000_tables_rebuilt_from_the_database(seeded: None) -> None:
    office = statistics_table("office_documents", "2024Q2")
    rows = read_seed("000_a1_office_system_usage.csv")
    keys = ("seq", "department", "documents_received", "documents_sent", "remarks")
    assert _cells(office) == [[r[k] for k in keys] for r in rows]
    assert office.total("收文（份）") == stated("000.a1.total_received") == 25273
    assert office.total("发文（份）") == stated("000.a1.total_sent")

    app = statistics_table("app_columns", "2024Q2")
    rows = read_seed("000_a5_app_columns.csv")
    keys = ("seq", "column_name", "responsible_unit", "items_published", "remarks")
    assert _cells(app) == [[r[k] for k in keys] for r in rows]
    assert app.total("发布数量") == stated("000.a5.total_items")

    columns = statistics_table("website_columns", "2024Q2")
    assert columns.total("报送数量") == stated("000.a2.total_items")

    letters = statistics_table("letters", "2024Q2")
    assert letters.total("受理信件数") == stated("000.a3.total_received")
    assert letters.total("备注") == f"未回复{stated('000.a3.unreplied')}件"


def test_003_portal_submissions_rebuilt_per_group_with_total(seeded: None) -> None:
    table = statistics_table("portal_submissions", "2023-11-27~2024-02-25")
    rows = read_seed("003_a4_portal_submissions.csv")
    printed = [[str(c) for c in row.cells] for row in table.rows if row.kind in ("data", "section")]
    want: list[list[str]] = []
    for number, group in enumerate(dict.fromkeys(r["group_zh"] for r in rows)):
        want.append([f"{'一二'[number]}、{group}"])
        want += [
            [r["rank_in_group"], r["unit"], r["items_submitted"], r["items_adopted"]]
            for r in rows
            if r["group_zh"] == group
        ]
    assert printed == want
    assert table.total("采用信息") == stated("003.body.portal_adopted") == 1247
    # 003 states 1865 submitted; the rows sum to 1875 (a flagged mismatch, kept as is).
    assert table.total("报送信息") == 1875 != stated("003.body.portal_submitted")


def test_disclosure_tables_rebuilt(seeded: None) -> None:
    s3 = statistics_table("disclosure_s3", "2024")
    rows = read_seed("001_s3_applications.csv")
    keys = ("section_zh", "group_zh", "item_zh", "natural_person", "commercial_enterprise")
    assert [[str(c) for c in r.cells[:5]] for r in s3.rows] == [[r[k] for k in keys] for r in rows]
    s4 = statistics_table("disclosure_s4", "2024")
    assert [r.cells[1:] for r in s4.rows] == [(6, 0, 4, 1, 11), (1, 0, 0, 0, 1), (0, 1, 0, 0, 1)]
    s2 = statistics_table("disclosure_s2", "2024")
    assert len(s2.rows) == len(read_seed("001_s2_proactive_disclosure.csv"))
    # The fee of 3883.30 万元 comes back as the exact decimal, trailing zero and all.
    [fee] = [r.cells[3] for r in s2.rows if r.cells[1] == "行政事业性收费"]
    assert isinstance(fee, Decimal) and str(fee) == "3883.30"


def test_commissioned_articles_due_dates_and_lateness(seeded: None) -> None:
    table = statistics_table("commissioned_articles", "2024-07~2024-08", today=dt.date(2024, 7, 24))
    states = [r.cells[-1] for r in table.data_rows()]
    # Nothing arrived yet (the seed lists topics only): due before 07-24 means late.
    assert states[:4] == ["逾期未报", "逾期未报", "逾期未报", "未到期"]
    assert table.data_rows()[2].cells[2] == "东城区行政委员会、西城区行政委员会"
    late = late_commissioned_articles("2024-07~2024-08", today=dt.date(2024, 8, 2))
    assert [a.due_date.isoformat() for a in late] == [
        "2024-07-16",
        "2024-07-19",
        "2024-07-23",
        "2024-07-26",
        "2024-08-01",
    ]


def test_workbook_holds_every_table_of_the_period(seeded: None, tmp_path: Path) -> None:
    out = tmp_path / "2024Q2.xlsx"
    tables = statistics_workbook("2024Q2", out)
    assert [t.key for t in tables] == [
        "office_documents",
        "app_columns",
        "website_columns",
        "letters",
    ]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["附件1", "附件2", "附件3", "附件4"]
    sheet = book["附件1"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    total = next(row for row in values if row[0] == "总计")
    assert total[2:4] == [25273, stated("000.a1.total_sent")]


def test_reimport_replaces_the_batch_of_the_same_kind_and_period(
    seeded: None, tmp_path: Path
) -> None:
    name = "000_a1_office_system_usage.csv"
    changed = H.copy_seed(name, tmp_path / "a1.csv", {(0, "documents_received"): "1600"})
    dry = statistics_import(changed, "office_documents", period="2024Q2", scope=H.GOLMUD,
                            dry_run=True)  # fmt: skip
    assert dry.replaced and dry.batch_id is None
    assert statistics_table("office_documents", "2024Q2").total("收文（份）") == 25273
    report = statistics_import(changed, "office_documents", period="2024Q2", scope=H.GOLMUD)
    assert report.replaced
    assert StatisticsBatch.objects.filter(kind="office_documents").count() == 1
    assert statistics_table("office_documents", "2024Q2").total("收文（份）") == 25283
