"""govwatch report bulletin: the quarterly bulletin (docx in 公文 layout, xlsx, pdf)."""

from __future__ import annotations

import argparse
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
    bulletin.add_argument("--doc-number", help="文号，如 格政办秘〔2024〕25号")
    bulletin.add_argument("--out", type=Path, default=Path("out"), help="输出目录（默认 ./out）")
    bulletin.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    bulletin.add_argument("--json", action="store_true")
    bulletin.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    output_dir(args.out)
    database_ready()
    from govwatch.engine.profiles import ProfileError
    from govwatch.web.inspections.models import Inspection
    from govwatch.web.inspections.services import PeriodError, inspection_run, period_parse
    from govwatch.web.reports.services import bulletin_write

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
    files = bulletin_write(
        inspection,
        args.out,
        template=args.template,
        doc_number=args.doc_number,
        pdf=not args.no_pdf,
    )
    if args.json:
        print_json(
            {
                "inspection": inspection.pk,
                "docx": str(files.docx),
                "xlsx": str(files.xlsx),
                "pdf": str(files.pdf) if files.pdf else None,
                "pdf_message": files.pdf_message,
            }
        )
    else:
        print(f"通报（Word）：{files.docx}")
        print(f"附件表（Excel）：{files.xlsx}")
        print(f"PDF：{files.pdf}" if files.pdf else f"PDF：{files.pdf_message}")
    return EXIT_OK
