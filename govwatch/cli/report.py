"""govwatch report bulletin: the quarterly bulletin (docx in 公文 layout, xlsx, pdf)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from govwatch.cli.base import (
    EXIT_OK,
    CommandError,
    database_ready,
    output_dir,
    period_arg,
    print_json,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="生成通报（Word 公文格式、Excel 附件表、PDF）")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    bulletin = kinds.add_parser("bulletin", help="由检查结果生成季度通报")
    bulletin.add_argument(
        "--period", required=True, type=period_arg("检查期"), help="检查期，如 2024Q2"
    )
    bulletin.add_argument("--profile", help="没有现成检查时，用此指标方案新建一次检查")
    bulletin.add_argument(
        "--inspection", type=int, help="使用指定编号的检查（默认该检查期最近一次）"
    )
    bulletin.add_argument("--template", type=Path, help="通报模板 YAML（版头、文号、落款、联系人）")
    bulletin.add_argument("--doc-number", help="完整文号，如 格政办秘〔2024〕25号")
    bulletin.add_argument(
        "--doc-seq",
        type=int,
        help="本期文号序号，按 GOVWATCH_BULLETIN_DOC_NUMBER（默认 {abbr}〔{year}〕{n}号）生成文号",
    )
    bulletin.add_argument(
        "--issuer", help="发文机关（版头与落款），默认 GOVWATCH_BULLETIN_ISSUER 或由登记信息推导"
    )
    bulletin.add_argument("--contact", help="联系人行，如 （联系人：张华，联系电话：0000-1234567）")
    bulletin.add_argument("--issue-date", type=_day, help="成文日期 YYYY-MM-DD（默认今天）")
    bulletin.add_argument(
        "--deadline",
        type=_day,
        help="整改期限 YYYY-MM-DD（默认成文日期后第 N 个工作日，N 见模板 rectification_working_days）",
    )
    bulletin.add_argument("--out", type=Path, default=Path("out"), help="输出目录（默认 ./out）")
    bulletin.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    bulletin.add_argument("--json", action="store_true")
    bulletin.set_defaults(handler=run)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式，实际为 {value}") from None


def run(args: argparse.Namespace) -> int:
    output_dir(args.out)
    database_ready()
    from govwatch.engine.profiles import ProfileError
    from govwatch.web.inspections.models import Inspection
    from govwatch.web.inspections.services import PeriodError, inspection_run, period_parse
    from govwatch.web.reports.services import BulletinSettingsError, bulletin_write

    if args.template and not args.template.is_file():
        raise CommandError(f"找不到模板文件 {args.template}")
    try:
        period = period_parse(args.period)
        if args.inspection:
            inspection = Inspection.objects.filter(pk=args.inspection).first()
            if inspection is None:
                raise CommandError(f"没有编号为 {args.inspection} 的检查")
        else:
            inspection = (
                Inspection.objects.filter(period_start=period.start, period_end=period.end)
                .order_by("-created_at")
                .first()
            )
            if args.profile and (inspection is None or inspection.profile != args.profile):
                inspection = inspection_run(args.period, profile_name=args.profile)
            if inspection is None:
                raise CommandError(
                    f"检查期 {period.label} 还没有检查，未生成通报；"
                    f"请先运行 govwatch inspect --period {period.label}"
                )
    except (PeriodError, ProfileError) as exc:
        raise CommandError(str(exc)) from exc
    try:
        files = bulletin_write(
            inspection,
            args.out,
            template=args.template,
            doc_number=args.doc_number,
            pdf=not args.no_pdf,
            issue_date=args.issue_date,
            deadline=args.deadline,
            issuer=args.issuer,
            contact=args.contact,
            doc_seq=args.doc_seq,
        )
    except BulletinSettingsError as exc:
        raise CommandError(f"未生成通报：{exc}") from exc
    for note in files.notes:  # what the office should check, never on stdout's --json
        print(f"提示：{note}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "inspection": inspection.pk,
                "docx": str(files.docx),
                "xlsx": str(files.xlsx),
                "pdf": str(files.pdf) if files.pdf else None,
                "pdf_message": files.pdf_message,
                "notes": list(files.notes),
            }
        )
    else:
        print(f"通报（Word）：{files.docx}")
        print(f"附件表（Excel）：{files.xlsx}")
        print(f"PDF：{files.pdf}" if files.pdf else f"PDF：{files.pdf_message}")
    return EXIT_OK
