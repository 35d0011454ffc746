"""Inspection services: judge the sites in scope for a period, and let an inspector
confirm or dismiss findings with the verdict recomputed and every change audited."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import QuerySet

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.clock import BEIJING
from govwatch.engine.findings import Finding
from govwatch.engine.periods import PeriodError as PeriodError  # re-exported for callers
from govwatch.engine.periods import period_dates
from govwatch.engine.profiles import (
    Profile,
    Verdict,
    load_profile,
    run_checks,
    score_account,
    score_site,
)
from govwatch.web.config.engine import check_context
from govwatch.web.inspections.models import (
    AuditEntry,
    Inspection,
    InspectionFinding,
    InspectionResult,
    Waiver,
)
from govwatch.web.interaction.services import work_calendar_load
from govwatch.web.newmedia.models import Post
from govwatch.web.newmedia.selectors import account_observations
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.observe import site_observation

COUNTING = ("open", "confirmed")  # dismissed and waived findings do not count


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def period_parse(text: str) -> Period:
    """2024Q2, 2024-06, 2024, 2024H1, or a range such as 2024-04-01:2024-06-30."""
    label = text.strip().upper()
    start, end = period_dates(label, kind_zh="检查期")
    return Period(label, start, end)


def _sites_in_scope(inspection: Inspection) -> list[Site]:
    sites: QuerySet[Site] = Site.objects.filter(status="running").select_related("operating_unit")
    chosen = list(sites.order_by("site_code"))
    if inspection.scope == "region" and inspection.region is not None:
        below = _descendants(inspection.region)
        chosen = [s for s in chosen if s.operating_unit_id in below]
    if inspection.scope == "sample" and inspection.sample_size:
        # A seeded sample over the sorted list: the same seed draws the same sites.
        rng = random.Random(inspection.sample_seed or inspection.period)
        chosen = sorted(
            rng.sample(chosen, min(inspection.sample_size, len(chosen))), key=lambda s: s.site_code
        )
    return chosen


def _descendants(region: Unit) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = {region.id}, [region.id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _site_class(site: Site) -> str:
    return "portal" if site.kind == "gov_portal" else "department_site"


def _account_judge(result: InspectionResult, profile: Profile) -> Verdict | None:
    assert result.account is not None
    findings = [f.to_finding() for f in result.findings.filter(state__in=COUNTING)]
    if not result.observed:
        result.verdict, result.score, result.items = "unknown", None, []
        result.reason = "没有该账号的发文数据（未配置采集或未导入），本期无法判定"
        result.save()
        return None
    verdict = score_account(findings, profile, account_id=str(result.account.pk))
    if verdict.qualified and any(f.is_unknown for f in findings if f.code == "NMA001"):
        # The source failed: "not updated" cannot be decided, so neither can the verdict.
        result.verdict, result.score, result.items = "unknown", None, []
        result.reason = "采集源失败，更新情况未知"
        result.save()
        return None
    result.verdict = "qualified" if verdict.qualified else "unqualified"
    result.score = verdict.score
    result.reason = verdict.reason_zh[:500]
    result.items = []
    result.save()
    return verdict


def result_judge(result: InspectionResult, profile: Profile) -> Verdict | None:
    """Recompute a verdict from the counting findings; None when nothing can be decided."""
    if result.account_id is not None:
        return _account_judge(result, profile)
    if result.scan_id is None or result.site is None:
        result.verdict, result.score, result.items = "unknown", None, []
        result.reason = "本检查期内没有该网站的扫描数据"
        result.save()
        return None
    findings = [f.to_finding() for f in result.findings.filter(state__in=COUNTING)]
    if not result.scan.home_fetched and not any(f.severity == "veto" for f in findings):
        # Nothing was observed: an unreachable home page is decided by the availability
        # probes (SIT001), never by one failed scan, so the verdict stays open.
        result.verdict, result.score, result.items = "unknown", None, []
        result.reason = f"首页无法访问（{result.scan.home_error or '原因不明'}），本期无法判定"
        result.save()
        return None
    verdict = score_site(
        findings,
        profile,
        site_id=result.site.site_code,
        site_class=_site_class(result.site),  # type: ignore[arg-type]
        has_public_services=result.site.has_public_services,
    )
    result.verdict = "qualified" if verdict.qualified else "unqualified"
    result.score = verdict.score
    result.reason = verdict.reason_zh[:500]
    result.items = [
        {"item": i.item_id, "name": i.name_zh, "points": i.points, "deducted": i.deducted}
        for i in verdict.items
    ]
    result.save()
    return verdict


def _waiver_for(finding: Finding, waivers: list[Waiver]) -> Waiver | None:
    for waiver in waivers:
        if waiver.code == finding.code and waiver.target_id in ("", finding.target_id):
            return waiver
    return None


@transaction.atomic
def inspection_run(
    period: str,
    *,
    profile_name: str | None = None,
    scope: str = "all",
    region: Unit | None = None,
    sample_size: int | None = None,
    sample_seed: str = "",
    created_by: str = "",
) -> Inspection:
    """Judge every site in scope on its latest scan within the period."""
    parsed = period_parse(period)
    profile = load_profile(profile_name) if profile_name else load_profile()
    inspection = Inspection.objects.create(
        period=parsed.label,
        period_start=parsed.start,
        period_end=parsed.end,
        profile=profile_name or profile.name,
        scope=scope,
        region=region,
        sample_size=sample_size,
        sample_seed=sample_seed,
        created_by=created_by,
    )
    workdays = work_calendar_load()
    for site in _sites_in_scope(inspection):
        run = (
            ScanRun.objects.filter(site=site, scan_date__range=(parsed.start, parsed.end))
            .order_by("-scan_date", "-finished_at")
            .first()
        )
        result = InspectionResult.objects.create(
            inspection=inspection, site=site, scan=run, verdict="unknown"
        )
        if run is not None:
            ctx = check_context(run.scan_date, period_start=parsed.start, calendar=workdays)
            findings = run_checks(profile, site_observation(run, parsed.start), ctx)
            InspectionFinding.objects.bulk_create(_rows(result, findings, site, parsed.end))
        result_judge(result, profile)
    _accounts_judge(inspection, parsed, profile)
    return inspection


def _rows(
    result: InspectionResult, findings: list[Finding], target: Site | Account, end: date
) -> list[InspectionFinding]:
    owner = {"site": target} if isinstance(target, Site) else {"account": target}
    # One query per target, not per finding: a site can have hundreds of link findings.
    waivers = list(Waiver.objects.filter(expires_on__gte=end, **owner))
    rows = []
    for finding in findings:
        waiver = _waiver_for(finding, waivers)
        note = (
            f"豁免：{waiver.reason}（{waiver.approver}批准，至{waiver.expires_on}）"
            if waiver
            else ""
        )
        rows.append(
            InspectionFinding(
                result=result,
                code=finding.code,
                slug=finding.slug,
                severity=finding.severity,
                target_kind=finding.target_kind,
                target_id=finding.target_id[:2000],
                message=finding.message_zh,
                evidence=dict(finding.evidence),
                points=finding.points,
                state="waived" if waiver else "open",
                state_reason=note,
            )
        )
    return rows


def _accounts_in_scope(inspection: Inspection) -> list[Account]:
    accounts = list(Account.objects.filter(status="running").order_by("platform", "name"))
    if inspection.scope == "region" and inspection.region is not None:
        below = _descendants(inspection.region)
        accounts = [a for a in accounts if a.opening_unit_id in below]
    if inspection.scope == "sample" and inspection.sample_size:
        rng = random.Random(f"{inspection.sample_seed or inspection.period}/accounts")
        accounts = rng.sample(accounts, min(inspection.sample_size, len(accounts)))
    return accounts


def _accounts_judge(inspection: Inspection, parsed: Period, profile: Profile) -> None:
    """Judge every account in scope at the end of the period (Beijing time, aware)."""
    accounts = _accounts_in_scope(inspection)
    if not accounts:
        return
    point = datetime.combine(parsed.end, time(23, 59, 59), tzinfo=BEIJING)
    stored = Post.objects.filter(account__in=accounts).values_list("account_id", flat=True)
    with_posts = set(stored.distinct())
    ctx = CheckContext(monitoring_point=point, period_start=parsed.start)
    for account, observation in account_observations(point, parsed.start, accounts=accounts):
        # An account with no source and nothing ever stored has no data, not zero posts.
        observed = account.ingestion_source == "feed" or account.pk in with_posts
        result = InspectionResult.objects.create(
            inspection=inspection, account=account, verdict="unknown", observed=observed
        )
        if observed:
            findings = run_checks(profile, observation, ctx)
            InspectionFinding.objects.bulk_create(_rows(result, findings, account, parsed.end))
        result_judge(result, profile)


@transaction.atomic
def finding_decide(
    finding: InspectionFinding, action: str, reason: str, user: object = None
) -> InspectionResult:
    """Confirm or dismiss a finding (with a reason), recompute the verdict, audit both."""
    if action not in ("confirmed", "dismissed", "open"):
        raise ValueError(f"未知操作 {action}")
    if not reason.strip():
        raise ValueError("确认或排除问题必须填写理由")
    result = finding.result
    before = result.verdict
    finding.state, finding.state_reason = action, reason
    finding.save()
    profile = load_profile(result.inspection.profile)
    result_judge(result, profile)
    AuditEntry.objects.create(
        finding=finding,
        action=action,
        reason=reason,
        user=user if getattr(user, "pk", None) else None,
        verdict_before=before,
        verdict_after=result.verdict,
    )
    return result
