"""Verdicts (合格/不合格/无法判定) and scores of one site or one account under a profile.

Procedure (国办秘函〔2019〕19号 指标说明, docs/official_rules.md §1.1), in order:

1. nothing observed (no scan in the period; an account with no source and no posts)
   ⇒ 无法判定;
2. any veto finding ⇒ 不合格, and nothing else is scored (P-4, P-11), even when other
   indicators could not be decided: they could only add vetoes;
3. otherwise, where the deduction part applies (portals nationally, P-2), the score is
   the deduction total minus the deductions, each item capped at its own points
   (P-8); a unit without public services drops the service block and the rest is
   rescaled to the full total (P-9: out of 75, × 4/3); a score below
   ``fail_if_score_lt`` is 不合格 (60 passes, P-5), for the same reason before any
   unknown; a score above ``bonus_if_score_gt`` adds the bonus part, capped at
   ``bonus_total`` (P-6, P-7);
4. a site whose home page was never fetched ⇒ 无法判定 (availability is the probes'
   business, never one failed scan's);
5. an undecided finding of an indicator the profile lists in ``unknown_blocks`` (too
   few availability probes, a failed feed) ⇒ 无法判定, the reason quoting it;
6. otherwise 合格.

Every verdict carries the findings behind it: the vetoes that decided it, the
unknowns that left it open, or the deductions per item, plus the warnings and
unknowns for the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, TypeAlias

from govwatch.engine.checks import registry
from govwatch.engine.findings import SEVERITIES, Finding
from govwatch.engine.labels import VERDICT_ZH
from govwatch.engine.profiles.model import Profile, SiteClass

VerdictCode: TypeAlias = Literal["qualified", "unqualified", "unknown"]


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    name_zh: str
    points: float
    deducted: float
    uncapped: float
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Verdict:
    subject_kind: str
    subject_id: str
    verdict: VerdictCode
    score: float | None
    bonus: float
    reason_zh: str
    vetoes: tuple[Finding, ...] = ()
    items: tuple[ItemScore, ...] = ()
    warnings: tuple[Finding, ...] = ()
    unknowns: tuple[Finding, ...] = ()
    undecided: tuple[Finding, ...] = ()  # the unknowns that left the verdict open

    @property
    def verdict_zh(self) -> str:
        return VERDICT_ZH[self.verdict]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings behind the verdict: vetoes, open unknowns, or scored deductions."""
        if self.vetoes:
            return self.vetoes
        if self.verdict == "unknown":
            return self.undecided
        return tuple(f for item in self.items for f in item.findings)


@dataclass(frozen=True)
class _Split:
    vetoes: tuple[Finding, ...]
    deductions: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    unknowns: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> _Split:
        groups: dict[str, list[Finding]] = {s: [] for s in SEVERITIES}
        for f in findings:
            groups[f.severity].append(f)
        return cls(*(tuple(groups[s]) for s in SEVERITIES))

    def verdict(self, kind: str, subject_id: str, verdict: VerdictCode, reason: str) -> Verdict:
        return Verdict(
            kind,
            subject_id,
            verdict,
            None,
            0.0,
            reason,
            warnings=self.warnings,
            unknowns=self.unknowns,
        )

    def vetoed(self, kind: str, subject_id: str) -> Verdict:
        names = "、".join(sorted({rules_title(f) for f in self.vetoes}))
        verdict = self.verdict(kind, subject_id, "unqualified", f"单项否决：{names}")
        return replace(verdict, vetoes=self.vetoes)

    def settled(self, scored: Verdict, blocks: tuple[str, ...], home_error: str | None) -> Verdict:
        """``scored`` unless a passing score rests on something that was not observed."""
        if scored.verdict == "unqualified":
            return scored  # decided: what is unknown could only take more off
        if home_error is not None:
            reason = f"首页无法访问（{home_error or '原因不明'}），本期无法判定"
            return self.verdict(scored.subject_kind, scored.subject_id, "unknown", reason)
        undecided = tuple(f for f in self.unknowns if f.is_unknown and f.code in blocks)
        if not undecided:
            return scored
        reason = "；".join(f.message_zh for f in undecided) + "，本期无法判定"
        verdict = self.verdict(scored.subject_kind, scored.subject_id, "unknown", reason)
        return replace(verdict, undecided=undecided)


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


def _two(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score_site(
    findings: Iterable[Finding],
    profile: Profile,
    *,
    site_id: str,
    site_class: SiteClass = "portal",
    has_public_services: bool = True,
    bonus_points: float = 0.0,
    observed: bool = True,
    home_fetched: bool = True,
    home_error: str = "",
) -> Verdict:
    """Verdict of one site from all its counting findings of the period.

    ``observed`` False: no scan in the period. ``home_fetched`` False: the scan could
    not open the home page (``home_error`` says why).
    """
    split = _Split.of(findings)
    if not observed:
        return split.verdict("site", site_id, "unknown", "本检查期内没有该网站的扫描数据")
    if split.vetoes:
        return split.vetoed("site", site_id)
    scored = _site_score(split, profile, site_id, site_class, has_public_services, bonus_points)
    return split.settled(scored, profile.site.unknown_blocks, None if home_fetched else home_error)


def _site_score(
    split: _Split,
    profile: Profile,
    site_id: str,
    site_class: SiteClass,
    has_public_services: bool,
    bonus_points: float,
) -> Verdict:
    rules = profile.rules
    cfg = profile.site
    if site_class not in cfg.deduct_applies_to:
        return split.verdict("site", site_id, "qualified", "未触发单项否决（本类网站不计扣分）")
    by_item: dict[str, list[Finding]] = {}
    for f in split.deductions:
        item_id = rules[f.code].item if f.code in rules else None
        if item_id is None:
            raise ValueError(f"{f.code} 在配置 {profile.name} 中没有对应的扣分指标项")
        by_item.setdefault(item_id, []).append(f)
    items: list[ItemScore] = []
    total = Decimal(0)
    for item_id, item_findings in sorted(by_item.items()):
        item = profile.items[item_id]
        if not has_public_services and item.block == cfg.service_block:
            continue  # P-9: service indicators are not checked for such units
        uncapped = sum((_dec(f.points) for f in item_findings), Decimal(0))
        deducted = min(uncapped, _dec(item.points))
        total += deducted
        items.append(
            ItemScore(
                item_id,
                item.name_zh,
                item.points,
                _two(deducted),
                _two(uncapped),
                tuple(item_findings),
            )
        )
    full = _dec(cfg.deduct_total)
    if has_public_services:
        score = full - total
    else:
        rest = full - _dec(cfg.service_block_points)
        score = (rest - total) * full / rest
    score = max(score, Decimal(0))
    qualified = score >= _dec(cfg.fail_if_score_lt)
    bonus = Decimal(0)
    if score > _dec(cfg.bonus_if_score_gt):
        bonus = min(max(_dec(bonus_points), Decimal(0)), _dec(cfg.bonus_total))
    reason = f"扣分后得分{_two(score)}分" + (
        "" if qualified else f"，低于{cfg.fail_if_score_lt:g}分"
    )
    verdict = split.verdict("site", site_id, "qualified" if qualified else "unqualified", reason)
    return replace(verdict, score=_two(score + bonus), bonus=_two(bonus), items=tuple(items))


def score_account(
    findings: Iterable[Finding], profile: Profile, *, account_id: str, observed: bool = True
) -> Verdict:
    """Verdict of one new-media account: vetoes decide; listed problems are warnings.

    ``observed`` False: no source and no stored posts, i.e. no data rather than no posts.
    """
    split = _Split.of(findings)
    if not observed:
        reason = "没有该账号的发文数据（未配置采集或未导入），本期无法判定"
        return split.verdict("account", account_id, "unknown", reason)
    if split.vetoes:
        return split.vetoed("account", account_id)
    cfg = profile.account
    if cfg.deduct_total is None:
        # No deduction part for accounts: deductions are only listed, as problems.
        listed = replace(split, warnings=split.warnings + split.deductions)
        scored = listed.verdict("account", account_id, "qualified", "未触发单项否决")
        return listed.settled(scored, cfg.unknown_blocks, None)
    deducted = sum((_dec(f.points) for f in split.deductions), Decimal(0))
    score = max(_dec(cfg.deduct_total) - deducted, Decimal(0))
    qualified = score >= _dec(cfg.fail_if_score_lt)
    item = ItemScore(
        "account",
        "政务新媒体扣分",
        cfg.deduct_total,
        _two(deducted),
        _two(deducted),
        split.deductions,
    )
    code: VerdictCode = "qualified" if qualified else "unqualified"
    scored = split.verdict("account", account_id, code, f"扣分后得分{_two(score)}分")
    return split.settled(
        replace(scored, score=_two(score), items=(item,)), cfg.unknown_blocks, None
    )


def rules_title(finding: Finding) -> str:
    """The indicator's Chinese title for a finding (for verdict reasons)."""
    return registry.get(finding.code).title_zh
