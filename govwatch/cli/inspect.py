"""govwatch inspect: judge the registered sites and accounts for a period with a profile."""

from __future__ import annotations

import argparse
import json
import sys

from govwatch.cli.base import EXIT_OK, EXIT_PROBLEMS, CommandError, database_ready, period_arg
from govwatch.engine.labels import VERDICT_ZH


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="按指标方案对检查期内的网站作出合格判定")
    parser.add_argument(
        "--period",
        required=True,
        type=period_arg("检查期"),
        help="检查期：2024Q2、2024-06、2024 或 2024-04-01:2024-06-30",
    )
    parser.add_argument("--profile", help="指标方案名称或 YAML 文件（默认 cn-national-2019）")
    parser.add_argument(
        "--scope",
        default="all",
        help="all（全部）、region:单位名称（某地区）或 sample:N（随机抽查 N 个）",
    )
    parser.add_argument("--seed", default="", help="抽查的随机种子（相同种子抽到相同网站）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    parser.add_argument(
        "--fail-on-unqualified", action="store_true", help="有不合格网站时以 1 退出"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.engine.profiles import ProfileError
    from govwatch.web.inspections.selectors import inspection_counts, inspection_pass_rate_text
    from govwatch.web.inspections.services import PeriodError, inspection_run
    from govwatch.web.registry.services import UnitLookupError, unit_resolve

    scope, region, sample = "all", None, None
    if args.scope.startswith("region:"):
        scope = "region"
        try:
            region = unit_resolve(args.scope.split(":", 1)[1])
        except UnitLookupError as exc:
            raise CommandError(f"--scope：{exc}") from exc
    elif args.scope.startswith("sample:"):
        scope = "sample"
        count = args.scope.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise CommandError("--scope sample:N 中的 N 应为正整数")
        sample = int(count)
    elif args.scope != "all":
        raise CommandError("--scope 应为 all、region:单位名称 或 sample:N")
    try:
        inspection = inspection_run(
            args.period,
            profile_name=args.profile,
            scope=scope,
            region=region,
            sample_size=sample,
            sample_seed=args.seed,
        )
    except (PeriodError, ProfileError) as exc:
        raise CommandError(str(exc)) from exc
    counts = inspection_counts(inspection)
    # Streamed: a national inspection has 120,000 results, never all in memory at once.
    results = inspection.results.select_related("site", "account").prefetch_related("findings")
    if args.json:
        head = {
            "inspection": inspection.pk,
            "period": inspection.period,
            "profile": inspection.profile,
            "pass_rate": inspection_pass_rate_text(inspection),
            "account_pass_rate": inspection_pass_rate_text(inspection, "account"),
        }
        sys.stdout.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "results": [')
        for number, r in enumerate(results.iterator(chunk_size=2000)):
            row = {
                "kind": "site" if r.site else "account",
                "site": r.site.site_code if r.site else None,
                "account": r.account.pk if r.account else None,
                "name": r.site.name if r.site else r.account.name if r.account else None,
                "verdict": r.verdict,
                "score": r.score,
                "reason": r.reason,
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity,
                        "state": f.state,
                        "target": f.target_id,
                        "message": f.message,
                        "evidence": f.evidence,
                        "points": f.points,
                    }
                    for f in r.findings.all()
                ],
            }
            sys.stdout.write(("," if number else "") + "\n    ")
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str))
        sys.stdout.write("\n  ]\n}\n")
    else:
        print(
            f"检查 #{inspection.pk}：{inspection.period}，方案 {inspection.profile}，共 {counts.total} 个对象"
        )
        rows = results.values_list(
            "verdict", "score", "reason", "site__site_code", "site__name", "account__name"
        )
        for verdict, score, reason, code, site, account in rows.iterator(chunk_size=5000):
            target = f"{code} {site}" if code else account
            points = f"，{score:g} 分" if score is not None else ""
            print(f"  {VERDICT_ZH[verdict]}  {target}{points}  {reason}")
        print(
            f"网站合格率 {inspection_pass_rate_text(inspection)}，"
            f"新媒体合格率 {inspection_pass_rate_text(inspection, 'account')}；"
            f"不合格 {counts.unqualified} 个，有问题但合格 {counts.with_problems} 个，"
            f"无法判定 {counts.unknown} 个"
        )
    if args.fail_on_unqualified and counts.unqualified:
        return EXIT_PROBLEMS
    return EXIT_OK
