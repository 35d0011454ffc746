"""SIT003 filing-marks-missing — 网站标识缺失.

## What it checks
Whether the page footer shows the marks a government site must carry: 网站标识码,
ICP备案编号, 公安机关备案号 and 党政机关网站标识. One finding per missing mark.

## Official source
国办发〔2017〕47号《政府网站发展指引》: the opening steps (开办审批, 党政机关网站标识,
ICP备案, 公安机关备案, 网站标识码) and the 网页设计规范 footer (底部功能区). The exact footer
list is not confirmed from the original; the marks themselves are. Not a 19号 scored
item, so the national profile lists it as a warning.

## Thresholds
``required`` = site_code, icp, police_filing, party_gov_mark (any subset may be
selected by a profile).

## Applies to
site (the page template footer).

## Unknowns
A mark whose presence could not be determined (``None``) gives an ``info`` finding
with ``state: unknown`` instead of a missing-mark finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity
from govwatch.engine.labels import FILING_MARK_ZH

CODE = "SIT003"
SLUG = "filing-marks-missing"

_MARKS_ZH = FILING_MARK_ZH


@dataclass(frozen=True)
class Params:
    required: tuple[str, ...] = ("site_code", "icp", "police_filing", "party_gov_mark")


def _present(obs: SiteObservation, mark: str) -> bool | None:
    """Whether the home page shows MARK; None when the home page was not fetched."""
    facts = obs.facts
    if facts is None:
        return None
    if mark == "party_gov_mark":
        return facts.party_gov_mark
    shown = {"site_code": facts.site_id_code, "icp": facts.icp_record}
    return bool(shown.get(mark, facts.police_record).strip())


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    findings: list[Finding] = []
    for mark in params.required:
        if mark not in _MARKS_ZH:
            raise ValueError(f"SIT003: 未知的标识 {mark!r}")
        present = _present(obs, mark)
        if present:
            continue
        unknown = present is None
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=obs.site_id,
                severity="info" if unknown else level,
                message_zh=f"未能确定是否展示{_MARKS_ZH[mark]}"
                if unknown
                else f"网站底部缺少{_MARKS_ZH[mark]}",
                evidence={"mark": mark, **({"state": "unknown"} if unknown else {})},
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="网站标识缺失",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
