"""Annex tables (附件) built from validated rows, with the seeds' layouts, totals and orders.

A Table is plain data: headings (a "/" marks a multi-level heading such as 政府网站/已办结),
then rows that are data, section labels (一、县区) or total rows (合计/总计). The docx and
xlsx writers render the same object, so what the checker verifies is what gets printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from govwatch.engine.interaction.rates import format_rate
from govwatch.engine.reports.records import Cell, Record, count, split_ids, text

RowKind = Literal["data", "section", "total"]


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]
    kind: RowKind = "data"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headings: tuple[str, ...]
    rows: tuple[TableRow, ...]
    note: str = ""
    # Columns whose equal neighbouring cells print as one merged cell (row labels of 001 三).
    merge_down: tuple[int, ...] = ()

    def data_rows(self) -> tuple[TableRow, ...]:
        return tuple(row for row in self.rows if row.kind == "data")

    def total_row(self) -> TableRow | None:
        totals = [row for row in self.rows if row.kind == "total"]
        return totals[-1] if totals else None

    def index(self, heading: str) -> int:
        return self.headings.index(heading)

    def column(self, heading: str) -> list[Cell]:
        at = self.index(heading)
        return [row.cells[at] for row in self.data_rows()]

    def total(self, heading: str) -> Cell:
        row = self.total_row()
        return None if row is None else row.cells[self.index(heading)]

    def with_title(self, title: str) -> Table:
        return Table(self.key, title, self.headings, self.rows, self.note, self.merge_down)


def format_cell(cell: Cell) -> str:
    """How a cell is printed in docx and compared when read back."""
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return f"{cell.year}年{cell.month}月{cell.day}日"
    return str(cell)


def heading_levels(headings: Sequence[str]) -> list[list[str]]:
    """Split "a/b/c" headings into levels; a shorter heading is padded by repeating its last
    part, which the writer turns into a vertical merge."""
    parts = [heading.split("/") for heading in headings]
    depth = max(len(p) for p in parts)
    return [[p[min(level, len(p) - 1)] for p in parts] for level in range(depth)]


def _numbered(rows: Iterable[Sequence[Cell]]) -> list[TableRow]:
    return [TableRow((index, *cells)) for index, cells in enumerate(rows, start=1)]


def _sum(records: Sequence[Record], key: str) -> int:
    return sum(count(record, key) for record in records)


def office_documents_table(records: Sequence[Record]) -> Table:
    """000 附件1: documents received and sent per unit, 总计 last."""
    rows = _numbered(
        (
            text(r, "department"),
            count(r, "documents_received"),
            count(r, "documents_sent"),
            text(r, "remarks"),
        )
        for r in records
    )
    total = TableRow(
        ("总计", "", _sum(records, "documents_received"), _sum(records, "documents_sent"), ""),
        "total",
    )
    return Table(
        "office_documents",
        "协同办公系统使用情况统计表",
        ("序号", "部门", "收文（份）", "发文（份）", "备注"),
        (*rows, total),
    )


def website_columns_table(records: Sequence[Record]) -> Table:
    """000 附件2: items per website column with the content-providing units, 合计 last."""
    return _column_items_table(
        records, "website_columns", "政府网站内容保障情况统计表", "responsible_units",
        ("items_submitted", "报送数量"),
    )  # fmt: skip


def letters_table(records: Sequence[Record], title: str) -> Table:
    """000 附件3/4: letters received and replied per unit; open letter ids in 备注."""
    rows = _numbered(
        (
            text(r, "department"),
            count(r, "letters_received"),
            count(r, "letters_replied"),
            " ".join(split_ids(r.get("unreplied_letter_ids"))),
        )
        for r in records
    )
    received = _sum(records, "letters_received")
    replied = _sum(records, "letters_replied")
    remark = f"未回复{received - replied}件" if received > replied else ""
    total = TableRow(("总计", "", received, replied, remark), "total")
    return Table(
        "letters", title, ("序号", "部门", "受理信件数", "信件回复数", "备注"), (*rows, total)
    )


def app_columns_table(records: Sequence[Record]) -> Table:
    """000 附件5: items per app column with the responsible unit, 合计 last."""
    return _column_items_table(
        records, "app_columns", "移动客户端信息发布统计表", "responsible_unit",
        ("items_published", "发布数量"),
    )  # fmt: skip


def _column_items_table(
    records: Sequence[Record], key: str, title: str, units: str, items: tuple[str, str]
) -> Table:
    rows = _numbered(
        (text(r, "column_name"), text(r, units), count(r, items[0]), text(r, "remarks"))
        for r in records
    )
    total = TableRow(("合计", "", "", _sum(records, items[0]), ""), "total")
    headings = ("序号", "栏目名称", "保障部门", items[1], "备注")
    return Table(key, title, headings, (*rows, total))


def problem_accounts_table(records: Sequence[Record], title: str) -> Table:
    """003 附件1/2: accounts with the failing item (问题栏目 holds the platform)."""
    rows = _numbered(
        (
            text(r, "account_name"),
            text(r, "supervising_unit"),
            text(r, "platform"),
            text(r, "problem_type"),
        )
        for r in records
    )
    return Table(
        "problem_accounts",
        title,
        ("序号", "政务新媒体", "主管单位", "问题栏目", "问题类型"),
        tuple(rows),
    )


def problem_sites_table(records: Sequence[Record], title: str) -> Table:
    """Sites that failed or have problems, with the column and the failing item."""
    rows = _numbered(
        (
            text(r, "site_name"),
            text(r, "operating_unit"),
            text(r, "column_name"),
            text(r, "problem_type"),
        )
        for r in records
    )
    return Table(
        "problem_sites",
        title,
        ("序号", "网站名称", "主办单位", "问题栏目", "问题类型"),
        tuple(rows),
    )


def unjudged_table(records: Sequence[Record], title: str) -> Table:
    """Sites and accounts that could not be judged, with the reason (never silently dropped)."""
    rows = _numbered(
        (text(r, "kind_zh"), text(r, "name"), text(r, "unit"), text(r, "reason")) for r in records
    )
    return Table(
        "unjudged",
        title,
        ("序号", "类别", "名称", "主办（主管）单位", "无法判定的原因"),
        tuple(rows),
    )


def opened_accounts_table(records: Sequence[Record], title: str = "不合格政务新媒体名单") -> Table:
    """004 附件1: unqualified accounts by opening entity and account type."""
    rows = _numbered(
        (text(r, "account_name"), text(r, "opening_entity"), text(r, "account_type"))
        for r in records
    )
    return Table(
        "opened_accounts", title, ("序号", "账号名称", "开设主体", "账号类型"), tuple(rows)
    )


def _ordered_keys(values: Iterable[str], order: Sequence[str]) -> list[str]:
    seen = list(dict.fromkeys(values))
    known = [key for key in order if key in seen]
    return known + [key for key in seen if key not in order]


def interaction_buckets_table(
    records: Sequence[Record],
    *,
    category_key: str,
    name_key: str = "site_name",
    group_key: str | None = None,
    category_order: Sequence[str] = (),
    title: str = "政府网站互动回应检查情况",
) -> Table:
    """003 附件3 / 004 附件2: sites listed per reply bucket (and per site group).

    Without groups the bucket label carries its count, as 003 prints it: 1个工作日内答复 (34家).
    Names are printed as given (004 prints “铜川市人民政府”网: pass its as-written field).
    """
    categories = _ordered_keys((text(r, category_key) for r in records), category_order)
    rows: list[TableRow] = []
    for category in categories:
        in_category = [r for r in records if text(r, category_key) == category]
        if group_key is None:
            names = "、".join(text(r, name_key) for r in in_category)
            rows.append(TableRow((f"{category} ({len(in_category)}家)", names)))
            continue
        for group in _ordered_keys((text(r, group_key) for r in in_category), ()):
            names = "、".join(text(r, name_key) for r in in_category if text(r, group_key) == group)
            rows.append(TableRow((category, group, names)))
    headings = (
        ("互动回应情况", "网站名称") if group_key is None else ("类型", "网站类别", "网站名称")
    )
    return Table("interaction_buckets", title, headings, tuple(rows))


def bucket_counts(table: Table) -> dict[str, int]:
    """Sites per bucket of an interaction table (names are joined with 、)."""
    counts: dict[str, int] = {}
    for row in table.data_rows():
        label = str(row.cells[0]).split(" (")[0]
        names = [name for name in str(row.cells[-1]).split("、") if name]
        counts[label] = counts.get(label, 0) + len(names)
    return counts


_CN_ORDINALS = "一二三四五六七八九十"


def portal_submissions_table(records: Sequence[Record]) -> Table:
    """003 附件4: per group (县区, 市级部门), adopted desc then submitted desc; 合计 last.

    Python's sort is stable, so units tied on both counts keep the order they came in.
    """
    groups = _ordered_keys((text(r, "group_zh") for r in records), ())
    rows: list[TableRow] = []
    for number, group in enumerate(groups):
        members = sorted(
            (r for r in records if text(r, "group_zh") == group),
            key=lambda r: (-count(r, "items_adopted"), -count(r, "items_submitted")),
        )
        rows.append(TableRow((f"{_CN_ORDINALS[number]}、{group}",), "section"))
        rows.extend(
            _numbered(
                (text(r, "unit"), count(r, "items_submitted"), count(r, "items_adopted"))
                for r in members
            )
        )
    total = TableRow(
        ("合计", "", _sum(records, "items_submitted"), _sum(records, "items_adopted")), "total"
    )
    return Table(
        "portal_submissions",
        "政府门户网站信息报送情况",
        ("序号", "单位", "报送信息", "采用信息"),
        (*rows, total),
    )


def excellent_accounts_table(records: Sequence[Record]) -> Table:
    """003 附件5: commended accounts by platform."""
    rows = _numbered((text(r, "platform_zh"), text(r, "account_name")) for r in records)
    return Table(
        "excellent_accounts", "优秀政务新媒体名单", ("序号", "平台", "账号名称"), tuple(rows)
    )


# The counts of the ticket_completion table, in its order (also the web rows' keys).
TICKET_KEYS = (
    "tickets_total",
    "tickets_closed",
    "website_tickets",
    "website_tickets_closed",
    "new_media_tickets",
    "new_media_tickets_closed",
)


def ticket_completion_table(records: Sequence[Record], decimals: int = 2) -> Table:
    """004 附件3: tickets issued/closed per region split website / new media; 合计 last.

    Rows go by rate descending; ties keep the office's own region order (stable sort).
    The rate is closed/issued rounded half up, as every rate in the seeds except one.
    """

    def rate(closed: int, issued: int) -> str:
        return format_rate(closed, issued, decimals, "half_up")

    ordered = sorted(
        records, key=lambda r: -(count(r, "tickets_closed") / max(count(r, "tickets_total"), 1))
    )
    rows = _numbered(
        (
            text(r, "region_or_unit"),
            rate(count(r, "tickets_closed"), count(r, "tickets_total")),
            *(count(r, key) for key in TICKET_KEYS),
        )
        for r in ordered
    )
    sums = [_sum(records, key) for key in TICKET_KEYS]
    total = TableRow(("合计", "", rate(sums[1], sums[0]), *sums), "total")
    return Table(
        "ticket_completion",
        "问题清单办理情况统计表",
        (
            "序号",
            "市(区)／省直单位",  # full-width: an ASCII "/" would mean a heading level
            "整改率",
            "问题总数",
            "已办结总数",
            "政府网站/问题数量",
            "政府网站/已办结",
            "政务新媒体/问题数量",
            "政务新媒体/已办结",
        ),
        (*rows, total),
    )
