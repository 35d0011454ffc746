"""Verdicts (合格/不合格) and scores of one site or one account under a profile.

Procedure (国办秘函〔2019〕19号 指标说明, reference/indicators.md §1.1):

1. any veto finding ⇒ 不合格, and nothing else is scored (P-4, P-11);
2. otherwise, where the deduction part applies (portals nationally, P-2), the score is
   the deduction total minus the deductions, each item capped at its own points
   (P-8); a unit without public services drops the service block and the rest is
   rescaled to the full total (P-9: out of 75, × 4/3);
3. a score below ``fail_if_score_lt`` is 不合格 (60 passes, P-5); a score above
   ``bonus_if_score_gt`` adds the bonus part, capped at ``bonus_total`` (P-6, P-7).

Every verdict carries the findings behind it: the vetoes that decided it, or the
deductions per item, plus the warnings and unknowns for the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from govwatch.engine.checks import registry
from govwatch.engine.findings import SEVERITIES, Finding
from govwatch.engine.profiles.model import Profile, SiteClass


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
    qualified: bool
    score: float | None
    bonus: float
    reason_zh: str
    vetoes: tuple[Finding, ...] = ()
    items: tuple[ItemScore, ...] = ()
    warnings: tuple[Finding, ...] = ()
    unknowns: tuple[Finding, ...] = ()

    @property
    def verdict_zh(self) -> str:
        return "合格" if self.qualified else "不合格"

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings behind the verdict: vetoes, or the scored deductions."""
        if self.vetoes:
            return self.vetoes
        return tuple(f for item in self.items for f in item.findings)


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


def _two(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _split(
    findings: Iterable[Finding],
) -> tuple[list[Finding], list[Finding], list[Finding], list[Finding]]:
    groups: dict[str, list[Finding]] = {s: [] for s in SEVERITIES}
    for f in findings:
        groups[f.severity].append(f)
    return groups["veto"], groups["deduction"], groups["warning"], groups["info"]


def score_site(
    findings: Iterable[Finding],
    profile: Profile,
    *,
    site_id: str,
    site_class: SiteClass = "portal",
    has_public_services: bool = True,
    bonus_points: float = 0.0,
) -> Verdict:
    """Verdict of one site from all its findings of the period."""
    vetoes, deductions, warnings, unknowns = _split(findings)
    rules = profile.rules
    if vetoes:
        names = "、".join(sorted({rules_title(f) for f in vetoes}))
        return Verdict(
            "site",
            site_id,
            False,
            None,
            0.0,
            f"单项否决：{names}",
            vetoes=tuple(vetoes),
            warnings=tuple(warnings),
            unknowns=tuple(unknowns),
        )
    cfg = profile.site
    if site_class not in cfg.deduct_applies_to:
        return Verdict(
            "site",
            site_id,
            True,
            None,
            0.0,
            "未触发单项否决（本类网站不计扣分）",
            warnings=tuple(warnings),
            unknowns=tuple(unknowns),
        )
    by_item: dict[str, list[Finding]] = {}
    for f in deductions:
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
    return Verdict(
        "site",
        site_id,
        qualified,
        _two(score + bonus),
        _two(bonus),
        reason,
        items=tuple(items),
        warnings=tuple(warnings),
        unknowns=tuple(unknowns),
    )


def score_account(findings: Iterable[Finding], profile: Profile, *, account_id: str) -> Verdict:
    """Verdict of one new-media account: vetoes decide; listed problems are warnings."""
    vetoes, deductions, warnings, unknowns = _split(findings)
    if vetoes:
        names = "、".join(sorted({rules_title(f) for f in vetoes}))
        return Verdict(
            "account",
            account_id,
            False,
            None,
            0.0,
            f"单项否决：{names}",
            vetoes=tuple(vetoes),
            warnings=tuple(warnings),
            unknowns=tuple(unknowns),
        )
    if profile.account.deduct_total is None:
        # No deduction part for accounts: deductions are only listed, as problems.
        return Verdict(
            "account",
            account_id,
            True,
            None,
            0.0,
            "未触发单项否决",
            warnings=tuple(warnings + deductions),
            unknowns=tuple(unknowns),
        )
    deducted = sum((_dec(f.points) for f in deductions), Decimal(0))
    score = max(_dec(profile.account.deduct_total) - deducted, Decimal(0))
    qualified = score >= _dec(profile.account.fail_if_score_lt)
    item = ItemScore(
        "account",
        "政务新媒体扣分",
        profile.account.deduct_total,
        _two(deducted),
        _two(deducted),
        tuple(deductions),
    )
    return Verdict(
        "account",
        account_id,
        qualified,
        _two(score),
        0.0,
        f"扣分后得分{_two(score)}分",
        items=(item,),
        warnings=tuple(warnings),
        unknowns=tuple(unknowns),
    )


def rules_title(finding: Finding) -> str:
    """The indicator's Chinese title for a finding (for verdict reasons)."""
    return registry.get(finding.code).title_zh
