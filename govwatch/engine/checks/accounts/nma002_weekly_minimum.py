"""NMA002 weekly-minimum — 一周未更新两次 / 一周未更新一次.

## What it checks
The number of posts in the ``window_days`` natural days ending on the day of the
monitoring point (that day included) against a per-platform minimum. The problem
label follows the minimum: 2 ⇒ 一周未更新两次, 1 ⇒ 一周未更新一次.

## Official source
Local rule of 开封市 2024年第一季度 通报 (seed 003, 附件2): 微信公众号 and 新浪微博 are listed
for 「一周未更新两次」, 抖音 for 「一周未更新一次」. The platform pairing is inferred from the
annex, not stated in prose. Not a national item: off in cn-national-2019, on in
kaifeng-2024.

## Thresholds
- ``window_days`` = 7.
- ``min_posts``: wechat 2, weibo 2, douyin 1; platforms not listed are not checked.

## Applies to
account.

## Unknowns
``posts is None`` gives an ``info`` finding with ``state: unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from govwatch.engine.checks.accounts.common import account_finding, unknown_posts
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import Finding, Severity

CODE = "NMA002"
SLUG = "weekly-minimum"

_COUNT_ZH = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


@dataclass(frozen=True)
class Params:
    window_days: int = 7
    min_posts: Mapping[str, int] = field(
        default_factory=lambda: {"wechat": 2, "weibo": 2, "douyin": 1}
    )


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    minimum = params.min_posts.get(obs.platform)
    if minimum is None:
        return []
    if obs.posts is None:
        return [unknown_posts(CODE, SLUG, obs)]
    # The window is the last ``window_days`` natural days, the monitoring day included.
    first_day = ctx.point_date - timedelta(days=params.window_days - 1)
    count = sum(1 for p in obs.posts if p <= ctx.monitoring_point and p.date() >= first_day)
    if count >= minimum:
        return []
    label = f"一周未更新{_COUNT_ZH.get(minimum, str(minimum))}次"
    return [
        account_finding(
            CODE,
            SLUG,
            obs,
            level,
            label,
            {
                "problem_type": label,
                "posts_in_window": count,
                "min_posts": minimum,
                "window_days": params.window_days,
            },
        )
    ]


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="一周更新次数不足",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
