"""SIT004 non-gov-domain — 未规范使用政府域名.

## What it checks
Every host of the site and every business system (业务系统) reached from it must use a
government domain: an English name ending in ``.gov.cn`` or a Chinese ``.政务`` name.
One finding per offending host or business-system URL.

Business systems are the registered ones plus the links of the home page whose role is a
service hall or an application system (网上办事大厅, 政务服务网, XX申报系统, 查询系统…; a
weaker word such as 办事 or 缴费 only in a navigation or service block). A news headline
is never one, whatever its words (关于做好审批服务工作的通知 linking to a news mirror),
nor is an item of a news list (``engine.site.facts.is_business_system``).

## Official source
国办发〔2017〕47号《政府网站发展指引》: 英文域名以 .gov.cn 结尾, 中文域名以 .政务 结尾;
the columns and business systems of a site use the government domain too (applied in
陕政公开办〔2024〕6号, seed 004: 「未规范使用政府域名」). Points are not confirmed for
19号, so the national profile lists it as a warning.

## Thresholds
``allowed_suffixes`` = .gov.cn, .政务; ``extra_allowed_hosts`` = none (a profile may
list exempted hosts, e.g. a national platform the site must link to).

## Applies to
site (its hosts) and business systems.

## Unknowns
A URL without a host cannot be judged and is reported as ``info`` with
``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "SIT004"
SLUG = "non-gov-domain"


@dataclass(frozen=True)
class Params:
    allowed_suffixes: tuple[str, ...] = (".gov.cn", ".政务")
    extra_allowed_hosts: tuple[str, ...] = ()


def _host_ok(host: str, params: Params) -> bool:
    host = host.lower().rstrip(".")
    if host in params.extra_allowed_hosts:
        return True
    return any(host.endswith(suffix) for suffix in params.allowed_suffixes)


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    candidates = [(host, "site_host") for host in obs.hosts] + [
        ((urlsplit(url).hostname or ""), url) for url in obs.business_system_urls
    ]
    for host, where in candidates:
        key = f"{host}|{where}"
        if key in seen:
            continue
        seen.add(key)
        if not host:
            findings.append(
                make_finding(
                    CODE,
                    SLUG,
                    target_kind="site",
                    target_id=where,
                    severity="info",
                    message_zh="业务系统地址无法解析出域名",
                    evidence={"state": "unknown", "url": where},
                )
            )
            continue
        if _host_ok(host, params):
            continue
        is_system = where != "site_host"
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=where if is_system else host,
                severity=level,
                message_zh=f"{'业务系统' if is_system else '网站'}未使用政府域名：{host}",
                evidence={
                    "host": host,
                    "business_system": is_system,
                    **({"url": where} if is_system else {}),
                },
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="未规范使用政府域名",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
