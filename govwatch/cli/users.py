"""govwatch users: logins with their role and unit (add one, import a table, export)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from govwatch.cli.base import EXIT_OK, CommandError, database_ready, output_file

ROLE_HELP = "角色：supervisor（监管人员）、unit_operator（单位填报人员）、reader（领导只读）、admin（系统管理员）"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="用户与角色：新增、从表格批量导入、导出")
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")
    add = actions.add_parser("add", help="新增或修改一个用户（新用户生成初始密码并显示一次）")
    add.add_argument("login", help="登录名")
    add.add_argument("--role", required=True, help=ROLE_HELP)
    add.add_argument("--unit", default="", help="所属单位（监管人员、领导为所辖地区）")
    add.add_argument("--name", default="", help="姓名")
    add.add_argument("--email", default="", help="电子邮箱（接收提醒）")
    add.add_argument("--phone", default="", help="手机号码（短信提醒）")
    add.set_defaults(handler=run_add)
    imp = actions.add_parser(
        "import",
        help="从 xlsx/csv 导入用户（列：登录名、姓名、角色、所属单位、电子邮箱、手机号码）",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--passwords-out",
        type=Path,
        required=True,
        help="新用户初始密码写入的 xlsx 文件（仅本人可读）",
    )
    imp.set_defaults(handler=run_import)
    export = actions.add_parser("export", help="导出全部用户及其角色（xlsx，可改后再导入）")
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=run_export)


def run_add(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.registry.services import UnitLookupError, unit_resolve
    from govwatch.web.users.services import ROLE_WORDS, user_put

    role = ROLE_WORDS.get(args.role.strip())
    if role is None:
        raise CommandError(f"未知角色“{args.role}”。{ROLE_HELP}")
    try:
        unit = unit_resolve(args.unit) if args.unit.strip() else None
    except UnitLookupError as exc:
        raise CommandError(str(exc)) from None
    try:
        created, password = user_put(
            args.login, role, unit, name=args.name, email=args.email, phone=args.phone
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    where = f"，所属单位 {unit.name}" if unit else ""
    if created:
        print(f"已创建用户 {args.login}（{role}{where}），初始密码：{password}")
        print("请将密码当面或通过安全渠道交给本人，首次登录后修改。")
    else:
        print(f"已更新用户 {args.login} 的角色和单位（{role}{where}），密码未改动。")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.engine.outputs import atomic_files
    from govwatch.engine.tabular import TableFileError, read_table_file, write_xlsx
    from govwatch.web.users.services import UsersImportError, users_import

    out = output_file(args.passwords_out, "初始密码文件")
    try:
        sheets = read_table_file(args.file)
    except (TableFileError, OSError) as exc:
        raise CommandError(f"无法读取 {args.file}：{exc}") from None
    if not sheets:
        raise CommandError(f"{args.file} 中没有数据")
    try:
        report = users_import(sheets[0].rows)
    except UsersImportError as exc:
        raise CommandError(str(exc)) from None
    if report.created:
        with atomic_files(out) as (temp,):
            write_xlsx(temp, [("初始密码", ("登录名", "初始密码"), report.created)])
            os.chmod(temp, 0o600)  # passwords: readable by the owner only
    print(f"已导入用户：新建 {len(report.created)} 个，更新 {len(report.updated)} 个。")
    if report.created:
        print(f"新用户的初始密码已写入 {out}（仅本人可读），请分发后删除该文件。")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.engine.outputs import atomic_files
    from govwatch.engine.tabular import write_xlsx
    from govwatch.web.users.services import users_rows

    out = output_file(args.out)
    rows = users_rows()
    headers = ("登录名", "姓名", "角色", "所属单位", "电子邮箱", "手机号码", "状态")
    with atomic_files(out) as (temp,):
        write_xlsx(temp, [("用户", headers, ([row[h] for h in headers] for row in rows))])
    print(f"已导出 {len(rows)} 个用户到 {out}")
    return EXIT_OK
