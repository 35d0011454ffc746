"""TXT001 serious-expression-error — 严重表述错误.

## What it checks
Hits of the content checks (表述规范、错别字、敏感词) whose severity is in
``serious_severities``: wrong names or titles of leaders, wrong official names and
other errors the rules call 严重. One finding per distinct (text, URL).

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 1「安全、泄密事故等严重问题」(一): 出现严重表述错误
⇒ 单项否决; the same family applies to 政务新媒体 (M-V1, applied in seeds 003/004).
Which hits are 严重 is decided by the content checks (``TextHit.severity``).

## Thresholds
``serious_severities`` = serious; ``ignore_codes`` = none (a profile may exclude
rule codes of the content checks, e.g. while a lexicon entry is reviewed).

## Applies to
page_text (site pages) and account posts.

## Unknowns
None: the content checks only report what they saw; a page that was not fetched
has no hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import AccountObservation, CheckContext, SiteObservation
from govwatch.engine.findings import EvidenceValue, Finding, Severity

CODE = "TXT001"
SLUG = "serious-expression-error"


@dataclass(frozen=True)
class Params:
    serious_severities: tuple[str, ...] = ("serious",)
    ignore_codes: tuple[str, ...] = ()


def check(
    obs: SiteObservation | AccountObservation,
    ctx: CheckContext,
    params: Params,
    level: Severity,
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for hit in obs.text_hits:
        if hit.severity not in params.serious_severities or hit.code in params.ignore_codes:
            continue
        if (hit.text, hit.url) in seen:
            continue
        seen.add((hit.text, hit.url))
        suggestion = f"，应为「{hit.suggestion}」" if hit.suggestion else ""
        evidence: dict[str, EvidenceValue] = {
            "rule": hit.code,
            "text": hit.text,
            "suggestion": hit.suggestion,
            "url": hit.url,
        }
        if hit.page_url:
            evidence["page_url"] = hit.page_url  # the page linking the attachment
        sides = hit.excerpt()
        if sides is not None:
            # What the reader sees around the error; bounded by the content checks.
            evidence["excerpt"] = {"before": sides[0], "after": sides[1]}
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="page_text",
                target_id=hit.url,
                severity=level,
                message_zh=f"严重表述错误：「{hit.text}」{suggestion}",
                evidence=evidence,
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation | AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="严重表述错误",
    subjects=("site", "account"),
    targets=("page_text", "account"),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
