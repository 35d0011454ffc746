"""Every seed annex table rebuilt from its fixture rows: same values, same order, same totals."""

from __future__ import annotations

from decimal import Decimal

from govwatch.engine.reports import schemas
from govwatch.engine.reports.tables import (
    app_columns_table,
    bucket_counts,
    excellent_accounts_table,
    interaction_buckets_table,
    letters_table,
    office_documents_table,
    opened_accounts_table,
    portal_submissions_table,
    problem_accounts_table,
    ticket_completion_table,
    website_columns_table,
)
from tests.helpers import read_seed, stated

from .seeds import records


def _cells(table_rows: object) -> list[list[str]]:
    return [[str(c) if c is not None else "" for c in row.cells] for row in table_rows]  # type: ignore[attr-defined]


def _seed_cells(name: str, *keys: str) -> list[list[str]]:
    """The seed's own cells, column by column, in the order the table prints them."""
    return [[r[k] for k in keys] for r in read_seed(name)]


def test_000_a1_office_documents() -> None:
    name = "000_a1_office_system_usage.csv"
    table = office_documents_table(records(name, schemas.OFFICE_DOCUMENTS))
    keys = ("seq", "department", "documents_received", "documents_sent", "remarks")
    assert _cells(table.data_rows()) == _seed_cells(name, *keys)
    assert table.total("收文（份）") == stated("000.a1.total_received") == 25273
    assert table.total("发文（份）") == stated("000.a1.total_sent")
    assert table.total_row().cells[0] == "总计"  # type: ignore[union-attr]


def test_000_a2_website_columns() -> None:
    name = "000_a2_website_columns.csv"
    table = website_columns_table(records(name, schemas.WEBSITE_COLUMNS))
    keys = ("seq", "column_name", "responsible_units", "items_submitted", "remarks")
    assert _cells(table.data_rows()) == _seed_cells(name, *keys)
    assert table.total("报送数量") == stated("000.a2.total_items")


def test_000_a5_app_columns() -> None:
    name = "000_a5_app_columns.csv"
    table = app_columns_table(records(name, schemas.APP_COLUMNS))
    keys = ("seq", "column_name", "responsible_unit", "items_published", "remarks")
    assert _cells(table.data_rows()) == _seed_cells(name, *keys)
    assert table.total("发布数量") == stated("000.a5.total_items")


def test_000_a3_a4_letters() -> None:
    for name, prefix in (
        ("000_a3_mayor_mailbox.csv", "000.a3"),
        ("000_a4_department_messages.csv", "000.a4"),
    ):
        table = letters_table(records(name, schemas.LETTERS), "留言回复统计表")
        rows = read_seed(name)
        want = [
            [
                r["seq"],
                r["department"],
                r["letters_received"],
                r["letters_replied"],
                r["unreplied_letter_ids"].replace(";", " "),
            ]
            for r in rows
        ]
        assert _cells(table.data_rows()) == want
        assert table.total("受理信件数") == stated(f"{prefix}.total_received")
        assert table.total("信件回复数") == stated(f"{prefix}.total_replied")
        assert table.total("备注") == f"未回复{stated(prefix + '.unreplied')}件"


def test_003_a1_a2_accounts() -> None:
    for name in ("003_a1_unqualified_accounts.csv", "003_a2_problem_accounts.csv"):
        table = problem_accounts_table(records(name, schemas.PROBLEM_ACCOUNTS), "t")
        keys = ("seq", "account_name", "supervising_unit", "platform", "problem_type")
        assert _cells(table.data_rows()) == _seed_cells(name, *keys)


def test_003_a3_interaction_buckets() -> None:
    name = "003_a3_interaction_response.csv"
    order = ("1个工作日内答复", "5个工作日内答复", "大于5个工作日回复", "未回复")
    table = interaction_buckets_table(
        records(name, schemas.INTERACTION_RESPONSES),
        category_key="response_category_zh",
        category_order=order,
    )
    counts = bucket_counts(table)
    for code, label in zip(
        ("within_1_working_day", "within_5_working_days", "over_5_working_days", "no_reply"),
        order,
        strict=True,
    ):
        assert counts[label] == stated(f"003.a3.count.{code}")
    assert next(str(r.cells[0]) for r in table.data_rows()) == "1个工作日内答复 (34家)"
    rows = read_seed(name)
    assert str(table.data_rows()[3].cells[1]).split("、") == [
        r["site_name"] for r in rows if r["response_category"] == "no_reply"
    ]


def test_003_a4_portal_submissions_sorted_per_group() -> None:
    name = "003_a4_portal_submissions.csv"
    recs = records(name, schemas.PORTAL_SUBMISSIONS)
    # Scramble the rows (by submitted count; rows tied on both counts keep their relative
    # order, the only order the seed gives them): the builder must restore the seed's order.
    scrambled = sorted(recs, key=lambda r: (r["group_zh"] == "市级部门", r["items_submitted"]))  # type: ignore[operator]
    assert scrambled != recs
    table = portal_submissions_table(scrambled)
    rows = read_seed(name)
    groups = list(dict.fromkeys(r["group_zh"] for r in rows))
    sections = [str(r.cells[0]) for r in table.rows if r.kind == "section"]
    assert sections == ["一、" + groups[0], "二、" + groups[1]]
    for group in groups:
        at = next(
            i
            for i, r in enumerate(table.rows)
            if r.kind == "section" and str(r.cells[0]).endswith(group)
        )
        block = []
        for row in table.rows[at + 1 :]:
            if row.kind != "data":
                break
            block.append([str(c) for c in row.cells])
        want = [
            [r["rank_in_group"], r["unit"], r["items_submitted"], r["items_adopted"]]
            for r in rows
            if r["group_zh"] == group
        ]
        assert block == want
    assert table.total("采用信息") == stated("003.body.portal_adopted")
    assert table.total("报送信息") == sum(int(r["items_submitted"]) for r in rows)


def test_003_a5_excellent_accounts() -> None:
    name = "003_a5_excellent_accounts.csv"
    table = excellent_accounts_table(records(name, schemas.EXCELLENT_ACCOUNTS))
    assert _cells(table.data_rows()) == _seed_cells(name, "seq", "platform_zh", "account_name")


def test_004_a1_opened_accounts() -> None:
    name = "004_a1_unqualified_accounts.csv"
    table = opened_accounts_table(records(name, schemas.OPENED_ACCOUNTS))
    keys = ("seq", "account_name", "opening_entity", "account_type")
    assert _cells(table.data_rows()) == _seed_cells(name, *keys)


def test_004_a2_interaction_by_group() -> None:
    name = "004_a2_interaction_test.csv"
    table = interaction_buckets_table(
        records(name, schemas.INTERACTION_TESTS),
        category_key="category_zh",
        group_key="site_group_zh",
        name_key="site_name_as_written",
    )
    rows = read_seed(name)
    for row in table.data_rows():
        category, group, names = (str(c) for c in row.cells)
        want = [
            r["site_name_as_written"]
            for r in rows
            if r["category_zh"] == category and r["site_group_zh"] == group
        ]
        assert names.split("、") == want
    counts = bucket_counts(table)
    for code, label in (
        ("same_day_reply", "当日回复"),
        ("late_reply", "未及时回复"),
        ("no_reply", "未回复"),
        ("channel_unavailable", "渠道不可用"),
    ):
        assert counts[label] == stated(f"004.a2.count.{code}")


def test_004_a3_ticket_completion() -> None:
    name = "004_a3_ticket_completion.csv"
    recs = records(name, schemas.TICKET_COMPLETION)
    weinan = [r for r in recs if r["region_or_unit"] == "渭南市"]
    # 渭南市 first in the input: the rate order must still put it last.
    table = ticket_completion_table(weinan + [r for r in recs if r not in weinan])
    keys = (
        "seq",
        "region_or_unit",
        "rectification_rate_pct_stated",
        "tickets_total",
        "tickets_closed",
        "website_tickets",
        "website_tickets_closed",
        "new_media_tickets",
        "new_media_tickets_closed",
    )
    want = [[r[k] + ("%" if k.startswith("rect") else "") for k in keys] for r in read_seed(name)]
    assert _cells(table.data_rows()) == want
    assert table.total("整改率") == f"{Decimal(str(stated('004.body.completion_rate'))):.2f}%"
    assert table.total("问题总数") == stated("004.a3.total_tickets")
    assert table.total("政务新媒体/已办结") == stated("004.a3.new_media_closed")
