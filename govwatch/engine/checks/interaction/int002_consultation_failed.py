"""INT002 consultation-failed — 咨询信件测试未回复或渠道不可用.

## What it checks
The site's test consultations (咨询信件测试) of the period: a test with no countable reply
(``no_reply``, template replies included) or one that could not be sent because the
channel did not work (``channel_unavailable``). One finding per test; ``late`` replies
are reported only when ``report_late`` is set.

## Official source
国办秘函〔2019〕19号, 二、扣分指标「互动回应」: 咨询类栏目留言办理答复不及时、不回复.
The buckets and the reply windows are those of the seeds' tests (003: 1 and 5 working days;
004: 当日回复 / 未及时回复 / 未回复 / 渠道不可用); the window is the interaction profile's.

## Thresholds
- ``report_late`` = false: answered outside the window is listed only when true.

## Applies to
site.

## Unknowns
No tests for the site in the period (``consultations is None``) gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "INT002"
SLUG = "consultation-failed"
FAILED = {"no_reply": "未回复", "channel_unavailable": "渠道不可用"}


@dataclass(frozen=True)
class Params:
    report_late: bool = False


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if obs.consultations is None:
        return []
    findings = []
    for test in obs.consultations:
        failed = test.bucket in FAILED
        late = not failed and not test.on_time and params.report_late
        if not (failed or late):
            continue
        label = FAILED.get(test.bucket) or test.label_zh or "未及时回复"
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=obs.site_id,
                severity=level,
                message_zh=f"咨询信件测试（{test.test_id}）{label}",
                evidence={"test_id": test.test_id, "bucket": test.bucket, "problem_type": label},
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="咨询信件测试未回复或渠道不可用",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
