"""User services: create and update logins with their role and unit, one by one or from a
table (xlsx/csv) an office keeps. Imports are all or nothing: every row is checked first
and one bad row writes nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from govwatch.web.registry.models import Unit
from govwatch.web.registry.services import UnitIndex, UnitLookupError
from govwatch.web.users.models import ROLE_ZH, Membership

COLUMNS = ("登录名", "姓名", "角色", "所属单位", "电子邮箱", "手机号码")
REQUIRED = ("登录名", "角色")
MAX_ERRORS = 200
# The words offices write in the 角色 column, and the codes themselves.
ROLE_WORDS = {
    **{code: code for code in ROLE_ZH},
    **{label: code for code, label in ROLE_ZH.items()},
    "监管人员": "supervisor",
    "监管": "supervisor",
    "政务公开办": "supervisor",
    "单位填报人员": "unit_operator",
    "填报人员": "unit_operator",
    "单位": "unit_operator",
    "领导": "reader",
    "只读": "reader",
    "系统管理员": "admin",
    "管理员": "admin",
}


class UsersImportError(ValueError):
    """The table was refused: ``errors`` lists each bad row; nothing was written."""

    def __init__(self, errors: list[str], total: int) -> None:
        self.errors, self.total = errors, total
        shown = "\n".join(errors[:MAX_ERRORS])
        more = f"\n……另有 {total - MAX_ERRORS} 处错误未列出" if total > MAX_ERRORS else ""
        super().__init__(f"用户表有 {total} 处错误，未导入任何用户：\n{shown}{more}")


@dataclass
class UsersImportReport:
    created: list[tuple[str, str]] = field(default_factory=list)  # (login, initial password)
    updated: list[str] = field(default_factory=list)


def password_generate() -> str:
    """An initial password that passes the site's rules; the user changes it on first use."""
    return f"Gw-{secrets.token_urlsafe(12)}"


@dataclass(frozen=True)
class _Row:
    line: int
    login: str
    name: str
    role: str
    unit: Unit | None
    email: str
    phone: str


def _row(line: int, cells: Mapping[str, str], index: UnitIndex, errors: list[str]) -> _Row | None:
    where = f"第 {line} 行"
    before = len(errors)
    for column in REQUIRED:
        if not cells.get(column, "").strip():
            errors.append(f"{where}：缺少“{column}”")
    login = cells.get("登录名", "").strip()
    if login and (len(login) > 150 or any(ch.isspace() for ch in login)):
        errors.append(f"{where}：登录名不能含空格，且不超过 150 个字符")
    role_text = cells.get("角色", "").strip()
    role = ROLE_WORDS.get(role_text, "")
    if role_text and not role:
        errors.append(
            f"{where}：未知角色“{role_text}”（可填：监管人员、单位填报人员、领导、系统管理员）"
        )
    unit: Unit | None = None
    unit_name = cells.get("所属单位", "").strip()
    if unit_name:
        try:
            unit = Unit.objects.get(pk=index.resolve(unit_name))
        except UnitLookupError as exc:
            errors.append(f"{where}：{exc}")
    elif role and role != "admin":
        errors.append(f"{where}：{ROLE_ZH[role]}必须填写所属单位")
    email = cells.get("电子邮箱", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"{where}：电子邮箱“{email}”格式不正确")
    phone = cells.get("手机号码", "").strip()
    if phone and not (phone.isdigit() and 5 <= len(phone) <= 20):
        errors.append(f"{where}：手机号码“{phone}”应为数字")
    if len(errors) > before:
        return None
    return _Row(line, login, cells.get("姓名", "").strip()[:150], role, unit, email, phone)


def users_import(rows: Iterable[tuple[int, Mapping[str, str]]]) -> UsersImportReport:
    """Create or update a login per row (ROWS: line number, cells by header). Existing
    logins keep their passwords; new ones get a generated initial password, returned once."""
    index = UnitIndex.load()
    errors: list[str] = []
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = _row(line, cells, index, errors)
        if row is None:
            continue
        if row.login in seen:
            errors.append(f"第 {line} 行：登录名“{row.login}”与第 {seen[row.login]} 行重复")
            continue
        seen[row.login] = line
        checked.append(row)
    if errors:
        raise UsersImportError(errors, len(errors))
    report = UsersImportReport()
    with transaction.atomic():
        for row in checked:
            created, password = user_put(
                row.login, row.role, row.unit, name=row.name, email=row.email, phone=row.phone
            )
            if created:
                report.created.append((row.login, password))
            else:
                report.updated.append(row.login)
    return report


@transaction.atomic
def user_put(
    login: str,
    role: str,
    unit: Unit | None,
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[bool, str]:
    """Create the login (with PASSWORD or a generated one) or update its role and unit.
    Returns (created, the password set or "")."""
    if role not in ROLE_ZH:
        raise ValueError(f"未知角色 {role}")
    if role != "admin" and unit is None:
        raise ValueError(f"{ROLE_ZH[role]}必须指定所属单位")
    users = get_user_model()
    user, created = users.objects.get_or_create(username=login)
    if name:
        user.first_name = name[:150]
    if email:
        user.email = email
    chosen = ""
    if created:
        chosen = password or password_generate()
        try:
            validate_password(chosen, user)
        except ValidationError as exc:
            raise ValueError("；".join(exc.messages)) from None
        user.set_password(chosen)
    # Only administrators may enter the admin site, and there they administer everything
    # (the admin is not scoped); the role decides the rest.
    if role == "admin":
        user.is_staff = user.is_superuser = True
    else:
        user.is_staff = user.is_superuser = False
    user.save()
    Membership.objects.update_or_create(
        user=user, defaults={"role": role, "unit": unit, "phone": phone}
    )
    return created, chosen


def users_rows() -> list[dict[str, Any]]:
    """Every login with its role and unit, in the import's columns (for the export)."""
    found = []
    users = get_user_model().objects.select_related("membership__unit").order_by("username")
    for user in users:
        membership = getattr(user, "membership", None) if hasattr(user, "membership") else None
        role = (
            membership.get_role_display()
            if membership
            else ("系统管理员" if user.is_superuser else "")
        )
        found.append(
            {
                "登录名": user.username,
                "姓名": user.first_name,
                "角色": role,
                "所属单位": membership.unit.name if membership and membership.unit_id else "",
                "电子邮箱": user.email,
                "手机号码": membership.phone if membership else "",
                "状态": "启用" if user.is_active else "停用",
            }
        )
    return found
