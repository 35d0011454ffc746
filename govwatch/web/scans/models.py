"""Step 2 and 3 for websites: what a scan collected and the findings checked from it.

A scan of one site is one ScanRun, keyed by (site, scan_id): storing the same scan again
replaces its rows, so a repeated or resumed scan never duplicates anything.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from govwatch.engine.fetch.outcomes import ProbeDay as ProbeDayValue
from govwatch.engine.findings import Finding, finding_fingerprint
from govwatch.engine.labels import LINK_OUTCOME_ZH, PROBE_OUTCOME_ZH, SEVERITY_ZH, choices
from govwatch.engine.registry import labels as L
from govwatch.web.registry.models import Column, Site

LINK_OUTCOMES = choices(LINK_OUTCOME_ZH)
SEVERITIES = choices(SEVERITY_ZH)
PROBE_OUTCOMES = choices(PROBE_OUTCOME_ZH)
# The engine's target kinds (engine.findings.TARGET_KINDS) in words; a test keeps them equal.
TARGET_KIND_ZH = {
    "site": "网站",
    "home_page": "首页",
    "column": "栏目",
    "link": "链接",
    "page_text": "页面内容",
    "account": "政务新媒体账号",
    "unit": "单位",
}
TARGET_KIND_CHOICES = choices(TARGET_KIND_ZH)
SCAN_KINDS = [("full", "全站扫描"), ("freshness", "更新巡检")]
# An unregistered column found by the crawl has no kind ("").
COLUMN_KINDS = [("", "未登记"), *L.choices(L.COLUMN_KIND)]
# engine.crawl.models.BrokenLink.kind: the element the address was found in.
LINK_KINDS = [
    ("a", "超链接"),
    ("img", "图片"),
    ("frame", "内嵌框架"),
    ("attachment", "附件"),
    ("", "其他"),
]


class FindingRecord(models.Model):
    """A stored finding: the fields of the engine's Finding, shared by the two tables
    that keep findings. A scan's findings (ScanFinding) are the scan's own reading,
    replaced whenever the scan is judged again and never decided on; an inspection's
    findings (InspectionFinding) are the period's, and carry the supervisors' decisions
    and their audit. Same fields, different lives: two tables, one definition."""

    code = models.CharField("指标代码", max_length=10)
    slug = models.CharField("指标", max_length=80)
    severity = models.CharField("性质", max_length=20, choices=SEVERITIES)
    target_kind = models.CharField("对象类型", max_length=20, choices=TARGET_KIND_CHOICES)
    target_id = models.CharField("对象", max_length=2000)
    message = models.TextField("问题描述")
    evidence = models.JSONField("证据", default=dict)
    points = models.FloatField("扣分", default=0)
    # The finding's identity (engine.findings.finding_fingerprint): decisions and problem
    # list items attach to it, so they survive re-runs while the evidence stays the same.
    fingerprint = models.CharField("问题指纹", max_length=32, blank=True, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.message[:40]}"

    @staticmethod
    def fields_of(finding: Finding) -> dict[str, Any]:
        """The stored fields of an engine finding (target ids cut to the column)."""
        return {
            "code": finding.code,
            "slug": finding.slug,
            "severity": finding.severity,
            "target_kind": finding.target_kind,
            "target_id": finding.target_id[:2000],
            "message": finding.message_zh,
            "evidence": dict(finding.evidence),
            "points": finding.points,
            "fingerprint": finding_fingerprint(finding),
        }

    def to_finding(self) -> Finding:
        """The engine's value, for scoring and for the indicator's title."""
        return Finding(
            code=self.code,
            slug=self.slug,
            target_kind=self.target_kind,  # type: ignore[arg-type]
            target_id=self.target_id,
            severity=self.severity,  # type: ignore[arg-type]
            message_zh=self.message,
            evidence=self.evidence,
            points=self.points,
        )


class ScanRun(models.Model):
    site = models.ForeignKey(
        Site, verbose_name="网站", on_delete=models.CASCADE, related_name="scans"
    )
    scan_id = models.CharField("扫描编号", max_length=100)
    scan_date = models.DateField("扫描日期")
    profile = models.CharField("指标方案", max_length=100)
    # A full crawl checks links and content; the daily freshness pass reads only the
    # home page and the column lists, so inspections judge on full crawls.
    kind = models.CharField("扫描类型", max_length=10, choices=SCAN_KINDS, default="full")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    home_fetched = models.BooleanField("首页可访问", default=False)
    home_error = models.CharField("首页错误", max_length=300, blank=True)
    home_newest_date = models.DateField("首页最新信息日期", null=True, blank=True)
    stats = models.JSONField("统计", default=dict)
    facts = models.JSONField("网站要素", default=dict)
    failures = models.JSONField("抓取失败", default=list)
    text_hits = models.JSONField("内容问题（表述、敏感词、隐私）", default=list)

    class Meta:
        verbose_name = "扫描"
        verbose_name_plural = "扫描"
        ordering = ["-scan_date", "site__site_code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "scan_id"], name="scan_unique_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.scan_date}"


class ColumnSnapshot(models.Model):
    run = models.ForeignKey(
        ScanRun, verbose_name="扫描", on_delete=models.CASCADE, related_name="columns"
    )
    column = models.ForeignKey(
        Column, verbose_name="登记栏目", null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField("栏目名称", max_length=200)
    url = models.URLField("栏目地址", max_length=1000)
    kind = models.CharField("栏目类型", max_length=30, choices=COLUMN_KINDS, blank=True)
    registered = models.BooleanField("已登记", default=False)
    item_count = models.PositiveIntegerField("信息条数", default=0)
    undated_count = models.PositiveIntegerField("无日期条数", default=0)
    newest_date = models.DateField("最新信息日期", null=True, blank=True)
    list_pages = models.PositiveIntegerField("列表页数", default=0)
    blank = models.BooleanField("空白栏目", default=False)
    error = models.CharField("抓取错误", max_length=300, blank=True)
    # The listed items as [title, url, ISO date or null] (a 4th element, "article" or
    # "article_meta", when the date came from the item's page), so publication counts for any
    # period (000 附件2) and reprints of key items (重要信息转载) come from the crawl itself.
    items = models.JSONField("列表信息", default=list)

    class Meta:
        verbose_name = "栏目快照"
        verbose_name_plural = "栏目快照"
        ordering = ["run", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.run}）"


class LinkProblem(models.Model):
    run = models.ForeignKey(
        ScanRun, verbose_name="扫描", on_delete=models.CASCADE, related_name="link_problems"
    )
    url = models.CharField("链接", max_length=2000)
    outcome = models.CharField("结果", max_length=20, choices=LINK_OUTCOMES)
    reason = models.CharField("原因", max_length=300, blank=True)
    status = models.PositiveIntegerField("HTTP 状态", null=True, blank=True)
    page_url = models.CharField("所在页面", max_length=2000)
    anchor_text = models.CharField("链接文字", max_length=500, blank=True)
    on_home = models.BooleanField("首页链接", default=False)
    external = models.BooleanField("外部链接", default=False)
    kind = models.CharField("类型", max_length=20, choices=LINK_KINDS, blank=True)

    class Meta:
        verbose_name = "链接问题"
        verbose_name_plural = "链接问题"
        ordering = ["run", "-on_home", "url"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}：{self.url[:80]}"


class Probe(models.Model):
    """One availability probe of a site's home page; kept across scans for the weekly ratio."""

    # No index of its own: the unique (site, at) index serves lookups by site (a saving of
    # ~12 bytes a row on the largest table, measured by bench/probe_storage_bench.py).
    site = models.ForeignKey(
        Site, verbose_name="网站", on_delete=models.CASCADE, related_name="probes", db_index=False
    )
    at = models.DateTimeField("探测时间")
    ok = models.BooleanField("可访问")
    status = models.PositiveIntegerField("HTTP 状态", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)
    elapsed = models.FloatField("耗时（秒）")
    outcome = models.CharField("结果", max_length=20, choices=PROBE_OUTCOMES, blank=True)
    # The probe round's scheduled time: a round delivered twice stores each site once.
    slot = models.DateTimeField("探测轮次", null=True, blank=True)

    class Meta:
        verbose_name = "可用性探测"
        verbose_name_plural = "可用性探测"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "at"], name="probe_unique_time"),
            # slot first: a redelivered round looks up the sites it already probed by slot.
            models.UniqueConstraint(
                fields=["slot", "site"],
                condition=models.Q(slot__isnull=False),
                name="probe_unique_slot",
            ),
        ]
        indexes = [models.Index(fields=["at"], name="probe_at")]

    def __str__(self) -> str:
        moment = self.at.strftime("%Y-%m-%d %H:%M") if self.at else ""
        return f"{self.site} {moment} {'可访问' if self.ok else '不可访问'}"


class ProbeDay(models.Model):
    """One site's availability probes of one day, rolled up when the raw probes leave the
    judging window."""

    site = models.ForeignKey(Site, verbose_name="网站", on_delete=models.CASCADE, db_index=False)
    day = models.DateField("日期")
    count = models.PositiveIntegerField("探测次数")
    failed = models.PositiveIntegerField("失败次数")
    by_outcome = models.JSONField("失败原因分布", default=dict)
    p50 = models.FloatField("中位耗时（秒）", null=True, blank=True)
    p95 = models.FloatField("95%耗时（秒）", null=True, blank=True)

    class Meta:
        verbose_name = "可用性日汇总"
        verbose_name_plural = "可用性日汇总"
        ordering = ["-day", "site"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="probeday_unique")]

    def __str__(self) -> str:
        return f"{self.site} {self.day}"

    def to_value(self) -> ProbeDayValue:
        return ProbeDayValue(
            self.day,
            self.count,
            self.failed,
            tuple(sorted((k, int(v)) for k, v in self.by_outcome.items())),
            self.p50,
            self.p95,
        )

    def fill(self, value: ProbeDayValue) -> None:
        self.count, self.failed = value.count, value.failed
        self.by_outcome = dict(value.by_outcome)
        self.p50, self.p95 = value.p50, value.p95


class ScanFinding(FindingRecord):
    run = models.ForeignKey(
        ScanRun, verbose_name="扫描", on_delete=models.CASCADE, related_name="findings"
    )

    class Meta:
        verbose_name = "监测问题"
        verbose_name_plural = "监测问题"
        ordering = ["run", "code", "target_id"]
