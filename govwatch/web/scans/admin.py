"""Scans are evidence: every row here is shown, never added, edited or deleted by hand
(inspection results cite the scans they judged).

A full scan has hundreds of columns, link problems and findings: its page links to each
list (filtered to the scan) instead of carrying them inline; stored JSON is shown as
labelled lines and durations in milliseconds or seconds."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html

from govwatch.engine.evidence_labels import reason_zh
from govwatch.web.config.admin import (
    FINDING_FIELDS,
    ParentLookups,
    ReadOnlyAdmin,
    changelist_link,
    duration_zh,
    indicator_zh,
    json_display,
    profile_zh,
    readable_json,
)
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = [
        "site",
        "scan_date",
        "kind",
        "profile_shown",
        "home_fetched",
        "home_newest_date",
        "finished_at",
    ]
    list_filter = ["scan_date", "kind", "home_fetched"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]
    list_per_page = 50
    fields = [
        "site",
        "scan_id",
        "scan_date",
        "kind",
        "profile_shown",
        "started_at",
        "finished_at",
        "home_fetched",
        "home_error",
        "home_newest_date",
        "lists",
        "stats_shown",
        "facts_shown",
        "failures_shown",
        "text_hits_shown",
    ]
    readonly_fields = fields
    stats_shown = json_display("stats", "统计")
    facts_shown = json_display("facts", "网站要素")
    failures_shown = json_display("failures", "抓取失败")
    text_hits_shown = json_display("text_hits", "内容问题（表述、敏感词、隐私）")

    @admin.display(description="指标方案", ordering="profile")
    def profile_shown(self, obj: ScanRun) -> str:
        return profile_zh(obj.profile)

    @admin.display(description="栏目、链接问题与监测问题")
    def lists(self, obj: ScanRun) -> Any:
        return format_html(
            "{}　{}　{}",
            changelist_link(ColumnSnapshot, "栏目快照", run__id__exact=obj.pk),
            changelist_link(LinkProblem, "链接问题", run__id__exact=obj.pk),
            changelist_link(ScanFinding, "监测问题", run__id__exact=obj.pk),
        )


@admin.register(ColumnSnapshot)
class ColumnSnapshotAdmin(ParentLookups, ReadOnlyAdmin):
    parent_lookups = ("run__id__exact",)
    list_display = ["name", "kind", "item_count", "newest_date", "blank", "error", "run"]
    list_filter = ["kind", "blank", "registered"]
    search_fields = ["name", "url", "run__site__name", "run__site__site_code"]
    list_select_related = ["run__site"]
    raw_id_fields = ["run", "column"]
    list_per_page = 50
    fields = [
        "run",
        "column",
        "name",
        "url",
        "kind",
        "registered",
        "item_count",
        "undated_count",
        "newest_date",
        "list_pages",
        "blank",
        "error",
        "items_shown",
    ]
    readonly_fields = fields

    @admin.display(description="列表信息（标题、网址、日期）")
    def items_shown(self, obj: ColumnSnapshot) -> Any:
        rows = [
            {
                "标题": entry[0],
                "网址": entry[1],
                "日期": entry[2] or "无日期",
                **({"日期来源": "文章页"} if len(entry) > 3 else {}),
            }
            for entry in obj.items
        ]
        return readable_json(rows)


@admin.register(LinkProblem)
class LinkProblemAdmin(ParentLookups, ReadOnlyAdmin):
    parent_lookups = ("run__id__exact",)
    list_display = ["url", "outcome", "reason_shown", "on_home", "page_url", "run"]
    list_filter = ["outcome", "on_home", "external"]
    search_fields = ["url", "page_url", "anchor_text"]
    list_select_related = ["run__site"]
    list_per_page = 50
    fields = ["run", "url", "outcome", "reason_shown", "status", "page_url", "anchor_text"]
    fields += ["on_home", "external", "kind"]
    readonly_fields = fields

    @admin.display(description="原因", ordering="reason")
    def reason_shown(self, obj: LinkProblem) -> str:
        return reason_zh(obj.reason)


@admin.register(Probe)
class ProbeAdmin(ReadOnlyAdmin):
    list_display = ["site", "at", "outcome", "status", "elapsed_text", "reason_shown"]
    list_filter = ["ok", "outcome", "at"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]
    date_hierarchy = "at"
    fields = ["site", "at", "ok", "status", "outcome", "reason_shown", "elapsed_text", "slot"]
    readonly_fields = fields

    @admin.display(description="原因", ordering="reason")
    def reason_shown(self, obj: Probe) -> str:
        return reason_zh(obj.reason)

    @admin.display(description="耗时", ordering="elapsed")
    def elapsed_text(self, obj: Probe) -> str:
        return duration_zh(obj.elapsed)


@admin.register(ProbeDay)
class ProbeDayAdmin(ReadOnlyAdmin):
    list_display = ["site", "day", "count", "failed", "failure_ratio", "p50_text", "p95_text"]
    list_filter = ["day"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]
    fields = ["site", "day", "count", "failed", "failure_ratio", "by_outcome_shown"]
    fields += ["p50_text", "p95_text"]
    readonly_fields = fields
    by_outcome_shown = json_display("by_outcome", "失败原因分布")

    @admin.display(description="失败比例")
    def failure_ratio(self, obj: ProbeDay) -> str:
        return f"{obj.failed / obj.count:.2%}" if obj.count else "-"

    @admin.display(description="中位耗时", ordering="p50")
    def p50_text(self, obj: ProbeDay) -> str:
        return duration_zh(obj.p50)

    @admin.display(description="95%耗时", ordering="p95")
    def p95_text(self, obj: ProbeDay) -> str:
        return duration_zh(obj.p95)


@admin.register(ScanFinding)
class ScanFindingAdmin(ParentLookups, ReadOnlyAdmin):
    parent_lookups = ("run__id__exact",)
    list_display = ["code", "severity", "message", "run"]
    list_filter = ["severity", "code"]
    search_fields = ["message", "target_id", "run__site__name"]
    list_select_related = ["run__site"]
    list_per_page = 50
    fields = ["run", *FINDING_FIELDS]
    readonly_fields = fields
    evidence_shown = json_display("evidence", "证据")

    @admin.display(description="指标")
    def indicator(self, obj: ScanFinding) -> str:
        return indicator_zh(obj.code)
