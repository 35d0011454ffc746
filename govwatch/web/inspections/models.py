"""Step 4 of the loop: an inspection judges the targets in scope for a period."""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from govwatch.engine.checks.registry import CODES as INDICATOR_CODES
from govwatch.engine.labels import FINDING_STATE_ZH, VERDICT_ZH, choices
from govwatch.engine.profiles import load_profile
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import FindingRecord, ScanRun


@lru_cache(maxsize=64)
def profile_title(profile: str) -> str:
    """A profile's Chinese title (cn-national-2019 → 国办秘函〔2019〕19号 …), read once per
    process; a profile file since removed leaves its file name."""
    try:
        return load_profile(profile).title_zh or PurePath(profile).stem
    except Exception:
        return PurePath(profile).stem


SCOPES = [("all", "全部登记对象"), ("region", "指定地区"), ("sample", "随机抽查")]
VERDICTS = choices(VERDICT_ZH)
FINDING_STATES = choices(FINDING_STATE_ZH)
COUNTING = ("open", "confirmed")  # dismissed and waived findings do not count
PROBLEMS = ("veto", "deduction", "warning")  # the severities a bulletin lists


class Inspection(models.Model):
    period = models.CharField("检查期", max_length=40)
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    profile = models.CharField("指标方案", max_length=200)
    scope = models.CharField("范围", max_length=10, choices=SCOPES, default="all")
    region = models.ForeignKey(
        Unit, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    sample_size = models.PositiveIntegerField("抽查数量", null=True, blank=True)
    sample_seed = models.CharField("抽样种子", max_length=40, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建人", max_length=150, blank=True)

    class Meta:
        verbose_name = "检查"
        verbose_name_plural = "检查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.period} 检查（{profile_title(self.profile)}）"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="results"
    )
    site = models.ForeignKey(
        Site, verbose_name="网站", null=True, blank=True, on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        Account, verbose_name="账号", null=True, blank=True, on_delete=models.CASCADE
    )
    scan = models.ForeignKey(
        ScanRun, verbose_name="依据的扫描", null=True, blank=True, on_delete=models.SET_NULL
    )
    verdict = models.CharField("结论", max_length=20, choices=VERDICTS)
    score = models.FloatField("得分", null=True, blank=True)
    reason = models.CharField("结论说明", max_length=500, blank=True)
    items = models.JSONField("分项得分", default=list)
    # False when there was nothing to judge (no scan in the period, no posts, no source).
    observed = models.BooleanField("有监测数据", default=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["inspection", "verdict", "site__site_code"]
        # The supervisors' inspection pages count and page an inspection's results from
        # this index alone (the scope reads the site or account): bench/workspace_bench.py.
        indexes = [
            models.Index(
                fields=["inspection", "verdict", "site", "account"], name="inspresult_page_idx"
            )
        ]

    def __str__(self) -> str:
        target = self.site or self.account
        return f"{target}：{self.get_verdict_display()}"


class InspectionFinding(FindingRecord):
    result = models.ForeignKey(
        InspectionResult, verbose_name="检查结果", on_delete=models.CASCADE, related_name="findings"
    )
    state = models.CharField("状态", max_length=20, choices=FINDING_STATES, default="open")
    state_reason = models.CharField("理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "检查问题"
        verbose_name_plural = "检查问题"
        ordering = ["result", "code", "target_id"]
        # One seek per result gives its findings in code order with severity and state:
        # the pages' counts by state and their page of findings read no finding row.
        indexes = [
            models.Index(
                fields=["result", "code", "severity", "state"], name="inspfinding_page_idx"
            )
        ]


class Waiver(models.Model):
    """An approved exemption: the finding still shows, marked waived, but does not count."""

    code = models.CharField("指标代码", max_length=10)
    site = models.ForeignKey(
        Site, verbose_name="网站", null=True, blank=True, on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        Account, verbose_name="账号", null=True, blank=True, on_delete=models.CASCADE
    )
    target_id = models.CharField("具体对象（可空，空表示全部）", max_length=2000, blank=True)
    reason = models.CharField("理由", max_length=500)
    approver = models.CharField("批准人", max_length=150)
    expires_on = models.DateField("有效期至")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "豁免"
        verbose_name_plural = "豁免"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.site or self.account}（至 {self.expires_on}）"

    def clean(self) -> None:
        """A waiver exempts a real indicator on one site or account until a future day:
        anything else would be accepted and then silently match nothing (or everything)."""
        errors: dict[str, str] = {}
        code = (self.code or "").strip().upper()
        if code and code not in INDICATOR_CODES:
            errors["code"] = (
                f"指标代码「{self.code}」不存在；可用的指标代码：{'、'.join(INDICATOR_CODES)}"
            )
        else:
            self.code = code
        if bool(self.site_id) == bool(self.account_id):
            errors["site"] = "网站和政务新媒体账号须且只能填写一项（豁免必须指明对象）"
        if self.expires_on and self.expires_on <= timezone.localdate():
            errors["expires_on"] = "有效期必须晚于今天；已过期的豁免不起作用"
        if errors:
            raise ValidationError(errors)


class AuditEntry(models.Model):
    """Who changed what about a finding, and why; never edited, only appended."""

    finding = models.ForeignKey(
        InspectionFinding, verbose_name="检查问题", on_delete=models.CASCADE, related_name="audit"
    )
    action = models.CharField("操作", max_length=20, choices=FINDING_STATES)
    state_before = models.CharField("操作前状态", max_length=20, choices=FINDING_STATES, blank=True)
    reason = models.CharField("理由", max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL
    )
    verdict_before = models.CharField("操作前结论", max_length=20, choices=VERDICTS)
    verdict_after = models.CharField("操作后结论", max_length=20, choices=VERDICTS)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.reason[:30]}"


class FindingDecision(models.Model):
    """A supervisor's decision on a finding's identity (indicator, target, evidence
    fingerprint), not on one stored row: the next inspection of the period, and of later
    periods while the same evidence persists, starts the finding in this state.

    Appended, never edited: the newest decision for an identity wins; "open" withdraws
    an earlier one."""

    site = models.ForeignKey(
        Site, verbose_name="网站", null=True, blank=True, on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        Account, verbose_name="账号", null=True, blank=True, on_delete=models.CASCADE
    )
    code = models.CharField("指标代码", max_length=10)
    target_id = models.CharField("对象", max_length=2000)
    fingerprint = models.CharField("问题指纹", max_length=32, db_index=True)
    state = models.CharField("决定", max_length=20, choices=FINDING_STATES)
    reason = models.CharField("理由", max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, on_delete=models.SET_NULL
    )
    period = models.CharField("作出决定的检查期", max_length=40)
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题认定"
        verbose_name_plural = "问题认定"
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_state_display()}：{self.reason[:30]}"
