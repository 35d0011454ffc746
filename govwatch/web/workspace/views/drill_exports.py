"""导出Excel of every table of the drill pages (unit, site, account, a finding's history).

Each export reads the very query its table pages through (drill_rows.py), every row of it,
for the object the view already fetched through the scope selectors: an object outside the
scope is a 404 before any export is built. A page asks for a table by ``?format=xlsx&table=``;
a table name this page does not have returns None, and the view shows the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from govwatch.engine.workdays import china_date
from govwatch.web.inspections.models import InspectionFinding, InspectionResult
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ScanFinding, ScanRun
from govwatch.web.users.selectors import Scope
from govwatch.web.workspace.exports import ColumnSpec, xlsx_response
from govwatch.web.workspace.templatetags.workspace_tags import (
    days_left_zh,
    indicator_zh,
    scan_stats_zh,
)
from govwatch.web.workspace.views import drill_rows as q
from govwatch.web.workspace.views.drill_evidence import Event, day_zh
from govwatch.web.workspace.views.lists import with_days_left

# Rows read from the database at a time: a site's scans or an account's posts run to
# thousands, and an export never holds them all.
CHUNK = 2000

Rows = Iterable[Sequence[object]]
# One table of a page: its Chinese name (the file's and the sheet's), its columns, its rows.
Table = tuple[str, Sequence[ColumnSpec], Rows]


def _send(owner: str, table: Table) -> HttpResponse:
    what, columns, rows = table
    title = f"{owner}-{what}"
    return xlsx_response(f"{title}.xlsx", title, columns, rows)


def _pick(owner: str, tables: dict[str, Callable[[], Table]], name: str) -> HttpResponse | None:
    build = tables.get(name)
    return _send(owner, build()) if build is not None else None


def _chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


# --- Shared tables ---------------------------------------------------------------------------

FINDING_COLUMNS: list[ColumnSpec] = [
    "检查期", "对象类型", ("对象", 30), "网站标识码／平台", "指标代码", ("指标", 24),
    ("问题描述", 60), ("问题位置", 40), "性质", "状态",
]  # fmt: skip


def _findings(findings: Any, what: str) -> Table:
    def rows() -> Iterator[Sequence[object]]:
        finding: InspectionFinding
        for finding in findings.iterator(chunk_size=CHUNK):
            result = finding.result
            if result.site_id:
                kind, name, ident = "网站", result.site.name, result.site.site_code
            else:
                account = result.account
                kind, name, ident = "政务新媒体", account.name, account.get_platform_display()
            yield (
                result.inspection.period, kind, name, ident, finding.code,
                indicator_zh(finding.code), finding.message, finding.target_id,
                finding.get_severity_display(), finding.get_state_display(),
            )  # fmt: skip

    return what, FINDING_COLUMNS, rows()


RESULT_COLUMNS: list[ColumnSpec] = [
    "检查期", "开始日期", "结束日期", "结论", "得分", ("结论说明", 60), "有监测数据",
]  # fmt: skip


def _results(results: Any) -> Table:
    def rows() -> Iterator[Sequence[object]]:
        result: InspectionResult
        for result in results.iterator(chunk_size=CHUNK):
            inspection = result.inspection
            yield (
                inspection.period, inspection.period_start, inspection.period_end,
                result.get_verdict_display(), result.score, result.reason,
                "是" if result.observed else "否",
            )  # fmt: skip

    return "检查结果", RESULT_COLUMNS, rows()


def _verdict_cells(cells: list[InspectionResult | None]) -> list[object]:
    """Each period as two columns, its verdict and its score (a number, to sort by)."""
    out: list[object] = []
    for result in cells:
        out += [result.get_verdict_display(), result.score] if result else ["", None]
    return out


def _period_columns(periods: list[str]) -> list[ColumnSpec]:
    return [title for period in periods for title in (f"{period}结论", f"{period}得分")]


# --- Unit ------------------------------------------------------------------------------------


def unit_export(scope: Scope, unit: Unit, table: str) -> HttpResponse | None:
    def children() -> Table:
        rows = (
            (c.name, c.get_kind_display(), c.n_sites, c.n_accounts, c.n_children)
            for c in q.unit_children(scope, unit).iterator(chunk_size=CHUNK)
        )
        return "下级单位", [("单位", 30), "类型", "网站", "新媒体", "下级单位"], rows

    def sites() -> Table:
        query = q.unit_sites(scope, unit)
        # One read of every site's results (a subquery, not a list of pks).
        verdicts = q.latest_verdicts(scope, query.values("pk"), [])
        rows = (
            (s.name, s.site_code, s.get_status_display(),
             *_verdict_cells(verdicts.row("site", s.pk)))
            for s in query.iterator(chunk_size=CHUNK)
        )  # fmt: skip
        columns = [("网站", 30), "网站标识码", "运行状态", *_period_columns(verdicts.periods)]
        return "网站", columns, rows

    def accounts() -> Table:
        query = q.unit_accounts(scope, unit)
        verdicts = q.latest_verdicts(scope, [], query.values("pk"))
        rows = (
            (a.name, a.get_platform_display(), a.get_status_display(),
             *_verdict_cells(verdicts.row("account", a.pk)))
            for a in query.iterator(chunk_size=CHUNK)
        )  # fmt: skip
        columns = [("账号", 30), "平台", "运行状态", *_period_columns(verdicts.periods)]
        return "政务新媒体", columns, rows

    def lists() -> Table:
        columns = [
            "检查期", "下发时间", "整改期限", "剩余工作日", "签收时间", "条目", "已办结", "已逾期",
        ]  # fmt: skip

        def rows() -> Iterator[Sequence[object]]:
            # One calendar read for all of them, as the page does for a page of them.
            for row in with_days_left(q.unit_lists(scope, unit)):
                pl = row["list"]
                done = pl.total > 0 and pl.closed == pl.total
                yield (
                    pl.period, pl.sent_at, pl.deadline,
                    "已全部办结" if done else days_left_zh(row["days_left"]),
                    pl.received_at, pl.total, pl.closed, pl.overdue,
                )  # fmt: skip

        return "问题清单", columns, rows()

    tables: dict[str, Callable[[], Table]] = {
        "children": children,
        "sites": sites,
        "accounts": accounts,
        "problems": lambda: _findings(q.unit_problems(scope, unit), "未解决问题"),
        "lists": lists,
    }
    return _pick(unit.name, tables, table)


# --- Site ------------------------------------------------------------------------------------

COLUMN_COLUMNS: list[ColumnSpec] = [
    ("栏目", 24), ("网址", 40), "类型", "最近扫描", "最新信息日期", "信息条数", "无日期条数",
    "更新情况", "更新要求", ("抓取错误", 30),
]  # fmt: skip
SCAN_COLUMNS: list[ColumnSpec] = [
    "扫描日期", "完成时间", "类型", "首页", ("首页错误", 30), "首页最新信息", ("统计", 50), "问题",
]  # fmt: skip
SCAN_FINDING_COLUMNS: list[ColumnSpec] = [
    "指标代码", ("指标", 24), ("问题描述", 60), ("问题位置", 40), "性质",
]  # fmt: skip


def _column_rows(site: Site) -> Iterator[Sequence[object]]:
    # A chunk of columns, then their snapshots in one query: a portal has hundreds of columns.
    for batch in _chunks(q.site_column_query(site).iterator(chunk_size=CHUNK)):
        for row in q.column_rows(batch):
            column, snap, state = row["column"], row["snap"], row["state"]
            yield (
                column.name, column.url, column.get_kind_display(),
                snap.run.scan_date if snap else None,
                snap.newest_date if snap else None,
                snap.item_count if snap else None,
                snap.undated_count if snap else None,
                state["label"], f"{state['window']}内更新" if state["window"] else "",
                snap.error if snap else "",
            )  # fmt: skip


def _scan_rows(scans: Any) -> Iterator[Sequence[object]]:
    scan: ScanRun
    for scan in scans.iterator(chunk_size=CHUNK):
        yield (
            scan.scan_date, scan.finished_at, scan.get_kind_display(),
            "可访问" if scan.home_fetched else "无法访问", scan.home_error,
            scan.home_newest_date, " · ".join(scan_stats_zh(scan.stats)), scan.n_findings,
        )  # fmt: skip


def _scan_finding_rows(findings: Any) -> Iterator[Sequence[object]]:
    finding: ScanFinding
    for finding in findings.iterator(chunk_size=CHUNK):
        yield (
            finding.code, indicator_zh(finding.code), finding.message, finding.target_id,
            finding.get_severity_display(),
        )  # fmt: skip


def site_export(scope: Scope, site: Site, table: str) -> HttpResponse | None:
    def scan_findings() -> Table:
        run = q.latest_full_scan(site)
        if run is None:  # no full scan yet: the table's headers, no rows
            return "最近全站扫描问题", SCAN_FINDING_COLUMNS, []
        what = f"{day_zh(run.scan_date)}全站扫描问题"
        return what, SCAN_FINDING_COLUMNS, _scan_finding_rows(q.run_problems(scope, run))

    def availability() -> Table:
        days = q.availability(site, china_date(timezone.now()))["days"]
        rows = [(d.day, d.count, d.failed, d.ratio) for d in days]
        return "可用性", ["日期", "探测次数", "失败次数", "失败比例"], rows

    tables: dict[str, Callable[[], Table]] = {
        "columns": lambda: ("栏目", COLUMN_COLUMNS, _column_rows(site)),
        "scans": lambda: ("扫描记录", SCAN_COLUMNS, _scan_rows(q.site_scans(site))),
        "results": lambda: _results(q.target_results(scope, site=site)),
        "findings": lambda: _findings(q.current_findings_of(scope, site=site), "当前问题"),
        "scan-findings": scan_findings,
        "availability": availability,
    }
    return _pick(site.name, tables, table)


# --- Account ---------------------------------------------------------------------------------


def account_export(scope: Scope, account: Account, table: str) -> HttpResponse | None:
    def posts() -> Table:
        rows = (
            (p.published_at, p.title, p.url,
             None if p.is_original is None else "是" if p.is_original else "否",
             len(p.text_hits) if isinstance(p.text_hits, list) else 0)
            for p in q.account_posts(account).iterator(chunk_size=CHUNK)
        )  # fmt: skip
        return "发文", ["发布时间", ("标题", 60), ("链接", 40), "原创", "内容问题"], rows

    def fetches() -> Table:
        rows = (
            (f.at, "成功" if f.ok else "失败", f.posts_seen, f.posts_new, f.error,
             f.http_status, f.detail)
            for f in q.account_fetches(account).iterator(chunk_size=CHUNK)
        )  # fmt: skip
        columns = [
            "采集时间", "结果", "读到发文", "新增发文", "错误代码", "HTTP状态码", ("详情", 60),
        ]  # fmt: skip
        return "采集记录", columns, rows

    tables: dict[str, Callable[[], Table]] = {
        "posts": posts,
        "fetches": fetches,
        "results": lambda: _results(q.target_results(scope, account=account)),
        "findings": lambda: _findings(q.current_findings_of(scope, account=account), "当前问题"),
    }
    return _pick(account.name, tables, table)


# --- A finding's history ---------------------------------------------------------------------


def history_export(owner: str, code: str, events: list[Event], table: str) -> HttpResponse | None:
    """The history table of a finding (inspection's or scan's), named after its target."""

    def history() -> Table:
        rows = ((e.at, e.kind, e.text, e.who) for e in events)
        return f"{code}问题历史", ["时间", "类别", ("内容", 80), "操作人"], rows

    return _pick(owner, {"history": history}, table)
