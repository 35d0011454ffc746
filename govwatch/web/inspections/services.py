"""Inspection services: judge the targets in scope for a period, and let an inspector
confirm or dismiss findings with the verdict recomputed and every change audited.

The engine owns the verdict, the rules for 无法判定 included (``engine.profiles.scoring``);
this module loads observations, runs the engine and stores what it says. Targets are
read and written in batches, so an inspection of 120,000 targets holds one batch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govwatch.engine.findings import Finding, finding_fingerprint
from govwatch.engine.periods import Period, PeriodError, period_parse
from govwatch.engine.profiles import Profile, Verdict, run_checks, score_account, score_site
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.config.engine import check_context, profile_load
from govwatch.web.inspections.models import (
    COUNTING,
    AuditEntry,
    FindingDecision,
    Inspection,
    InspectionFinding,
    InspectionResult,
    Waiver,
)
from govwatch.web.newmedia.models import Post
from govwatch.web.newmedia.selectors import account_observations
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.selectors import site_observations

__all__ = ["PeriodError", "finding_decide", "inspection_run", "period_parse", "result_judge"]

BATCH = 500  # targets per read and per bulk write
Waivers = dict[tuple[str, int], list[Waiver]]


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for first in range(0, len(ids), BATCH):
        yield ids[first : first + BATCH]


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


def _in_scope(
    inspection: Inspection, rows: Sequence[tuple[int, int]], below: set[int] | None, salt: str
) -> list[int]:
    """Ids of (id, unit id) ROWS in scope, in the rows' order.

    A sample is drawn over the ordered list with a seed, so the same seed draws the same
    targets."""
    ids = [pk for pk, unit in rows if below is None or unit in below]
    if inspection.scope == "sample" and inspection.sample_size:
        rng = random.Random(f"{inspection.sample_seed or inspection.period}{salt}")
        drawn = set(rng.sample(ids, min(inspection.sample_size, len(ids))))
        ids = [pk for pk in ids if pk in drawn]
    return ids


def _profile_ref(name: str) -> str:
    path = Path(name)
    return str(path.resolve()) if path.suffix in (".yaml", ".yml") and path.is_file() else name


def _waivers(period: Period) -> Waivers:
    """Every waiver still valid at the period's end, by target: read once per inspection."""
    found: Waivers = {}
    for waiver in Waiver.objects.filter(expires_on__gte=period.end):
        key = ("site", waiver.site_id) if waiver.site_id else ("account", waiver.account_id)
        found.setdefault(key, []).append(waiver)  # type: ignore[arg-type]
    return found


Decisions = dict[str, FindingDecision]


def _decisions(field: str, ids: Sequence[int]) -> dict[int, Decisions]:
    """The newest decision per fingerprint of each target among IDS (FIELD site or
    account): what the next inspection carries over."""
    found: dict[int, Decisions] = {}
    rows = FindingDecision.objects.filter(**{f"{field}__in": ids}).select_related("user")
    for decision in rows.order_by("decided_at", "pk"):
        target = getattr(decision, f"{field}_id")
        found.setdefault(target, {})[decision.fingerprint] = decision  # newest wins
    return found


def _carried(decision: FindingDecision) -> str:
    who = decision.user.get_username() if decision.user else "系统"
    when = timezone.localtime(decision.decided_at).strftime("%Y-%m-%d")
    return f"沿用{decision.period}的认定（{who}，{when}）：{decision.reason}"[:500]


def _rows(
    findings: list[Finding], waivers: list[Waiver], decisions: Decisions | None = None
) -> list[InspectionFinding]:
    rows = []
    for finding in findings:
        waiver = next(
            (
                w
                for w in waivers
                if w.code == finding.code and w.target_id in ("", finding.target_id)
            ),
            None,
        )
        fields = InspectionFinding.fields_of(finding)
        decision = (decisions or {}).get(fields["fingerprint"])
        if waiver:
            state = "waived"
            note = f"豁免：{waiver.reason}（{waiver.approver}批准，至{waiver.expires_on}）"
        elif decision is not None and decision.state in ("confirmed", "dismissed"):
            state, note = decision.state, _carried(decision)
        else:
            state, note = "open", ""
        rows.append(InspectionFinding(**fields, state=state, state_reason=note))
    return rows


def _verdict(result: InspectionResult, findings: list[Finding], profile: Profile) -> Verdict:
    """The engine's verdict of RESULT's target from its counting FINDINGS."""
    site, scan = result.site, result.scan
    if site is None:
        return score_account(
            findings, profile, account_id=str(result.account_id), observed=result.observed
        )
    return score_site(
        findings,
        profile,
        site_id=site.site_code,
        site_class="portal" if site.kind == "gov_portal" else "department_site",
        has_public_services=site.has_public_services,
        observed=scan is not None,
        home_fetched=scan is None or scan.home_fetched,
        home_error=scan.home_error if scan else "",
    )


def _fill(result: InspectionResult, verdict: Verdict) -> None:
    result.verdict = verdict.verdict
    result.score = verdict.score
    result.reason = verdict.reason_zh[:500]
    result.items = [
        {"item": i.item_id, "name": i.name_zh, "points": i.points, "deducted": i.deducted}
        for i in verdict.items
    ]


def result_judge(result: InspectionResult, profile: Profile) -> Verdict:
    """Recompute and save a stored result's verdict from its counting findings."""
    counting = [f.to_finding() for f in result.findings.filter(state__in=COUNTING)]
    verdict = _verdict(result, counting, profile)
    _fill(result, verdict)
    result.save()
    return verdict


class _Writer:
    """Results and their findings of one batch of targets, written with bulk_create."""

    def __init__(self, inspection: Inspection, profile: Profile, waivers: Waivers) -> None:
        self.inspection, self.profile, self.waivers = inspection, profile, waivers
        self.results: list[tuple[InspectionResult, list[InspectionFinding]]] = []
        self.decisions: dict[int, Decisions] = {}

    def add(self, result: InspectionResult, findings: list[Finding]) -> None:
        target = ("site", result.site_id) if result.site_id else ("account", result.account_id)
        decided = self.decisions.get(target[1], {})  # type: ignore[arg-type]
        rows = _rows(findings, self.waivers.get(target, []), decided)  # type: ignore[arg-type]
        counting = [f for f, row in zip(findings, rows, strict=True) if row.state in COUNTING]
        _fill(result, _verdict(result, counting, self.profile))
        self.results.append((result, rows))

    def flush(self) -> None:
        InspectionResult.objects.bulk_create([result for result, _ in self.results])
        rows = []
        for result, findings in self.results:
            for row in findings:
                row.result = result
            rows += findings
        InspectionFinding.objects.bulk_create(rows, batch_size=2000)
        self.results = []


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
    """Judge every running site (on its latest scan within the period) and account in scope."""
    parsed = period_parse(period)
    profile = profile_load(profile_name)
    inspection = Inspection.objects.create(
        period=parsed.label,
        period_start=parsed.start,
        period_end=parsed.end,
        # finding_decide and the reports reload it: a file is kept by its absolute path,
        # so a relative --profile still names the same file from another folder.
        profile=_profile_ref(profile_name or settings.GOVWATCH_PROFILE),
        scope=scope,
        region=region,
        sample_size=sample_size,
        sample_seed=sample_seed,
        created_by=created_by,
    )
    below = _descendants(region) if scope == "region" and region is not None else None
    writer = _Writer(inspection, profile, _waivers(parsed))
    sites = Site.objects.filter(status="running").order_by("site_code")
    site_ids = _in_scope(inspection, sites.values_list("id", "operating_unit_id"), below, "")
    _sites_judge(writer, parsed, site_ids)
    accounts = Account.objects.filter(status="running").order_by("platform", "name", "pk")
    rows = accounts.values_list("id", "opening_unit_id")
    _accounts_judge(writer, parsed, _in_scope(inspection, rows, below, "/accounts"))
    return inspection


def _latest_runs(site_ids: Sequence[int], period: Period) -> dict[int, ScanRun]:
    """Each site's latest scan within the period: the ids first, so that the many
    daily scans of a quarter are never loaded whole."""
    latest: dict[int, int] = {}
    dated = ScanRun.objects.filter(
        site_id__in=site_ids, scan_date__range=(period.start, period.end), kind="full"
    )
    for site_id, pk in dated.order_by("-scan_date", "-finished_at").values_list("site_id", "pk"):
        latest.setdefault(site_id, pk)
    runs = ScanRun.objects.filter(pk__in=latest.values()).defer("failures", "stats")
    return {run.site_id: run for run in runs}


def _sites_judge(writer: _Writer, period: Period, site_ids: list[int]) -> None:
    workdays = work_calendar_load()
    for batch in _batches(site_ids):
        writer.decisions = _decisions("site", batch)
        sites = Site.objects.in_bulk(batch)
        runs = _latest_runs(batch, period)
        for site_id, run in runs.items():
            run.site = sites[site_id]  # already loaded for the results: reuse it
        observations = dict(site_observations(list(runs.values()), period.start))
        for site_id in batch:
            run = runs.get(site_id)
            findings: list[Finding] = []
            if run is not None:
                ctx = check_context(run.scan_date, period_start=period.start, calendar=workdays)
                findings = run_checks(writer.profile, observations[run], ctx)
            result = InspectionResult(
                inspection=writer.inspection,
                site=sites[site_id],
                scan=run,
                observed=run is not None,
            )
            writer.add(result, findings)
        writer.flush()


def _accounts_judge(writer: _Writer, period: Period, account_ids: list[int]) -> None:
    """Judge the accounts at the end of the period (Beijing time), on the same context
    as the sites: the period's last day, the product's calendar."""
    ctx = check_context(period.end, period_start=period.start)
    point = ctx.monitoring_point
    for batch in _batches(account_ids):
        writer.decisions = _decisions("account", batch)
        # An account with no source and nothing ever stored has no data, not zero posts:
        # it needs no observation at all.
        stored = Post.objects.filter(account_id__in=batch).values_list("account_id", flat=True)
        feeds = Account.objects.filter(pk__in=batch, ingestion_source="feed")
        observed = set(stored.order_by().distinct()) | set(feeds.values_list("pk", flat=True))
        chosen = Account.objects.filter(pk__in=observed)
        observations = (
            dict(account_observations(point, period.start, accounts=chosen)) if observed else {}
        )
        by_pk = {account.pk: account for account in observations}
        for pk in batch:
            account = by_pk.get(pk)
            findings = run_checks(writer.profile, observations[account], ctx) if account else []
            result = InspectionResult(
                inspection=writer.inspection, account_id=pk, observed=account is not None
            )
            writer.add(result, findings)
        writer.flush()


@transaction.atomic
def finding_decide(
    finding: InspectionFinding, action: str, reason: str, user: object = None
) -> InspectionResult:
    """Confirm or dismiss a finding (with a reason), recompute the verdict, audit both."""
    if action not in ("confirmed", "dismissed", "open"):
        raise ValueError(f"未知操作 {action}")
    reason = reason.strip()
    if not reason:
        raise ValueError("确认或排除问题必须填写理由")
    if len(reason) > 500:
        raise ValueError("理由不能超过 500 字")
    if finding.state == "waived":
        raise ValueError("该问题已豁免，请在豁免登记中修改")
    result = finding.result
    before, state_before = result.verdict, finding.state
    finding.state, finding.state_reason = action, reason
    finding.save(update_fields=["state", "state_reason"])
    result_judge(result, profile_load(result.inspection.profile))
    who = user if getattr(user, "pk", None) else None
    AuditEntry.objects.create(
        finding=finding,
        action=action,
        reason=reason,
        user=who,
        state_before=state_before,
        verdict_before=before,
        verdict_after=result.verdict,
    )
    FindingDecision.objects.create(
        site_id=result.site_id,
        account_id=result.account_id,
        code=finding.code,
        target_id=finding.target_id,
        fingerprint=finding.fingerprint or finding_fingerprint(finding.to_finding()),
        state=action,
        reason=reason,
        user=who,
        period=result.inspection.period,
    )
    return result
