"""The bulletin's issue parts, asked for once and otherwise derived from the registry.

Order, first wins: the caller's options (CLI, web form), the office's template, the
GOVWATCH_BULLETIN_* settings, then the registry: the top unit of what the inspection judged
(its region, or the nearest common ancestor of the judged sites' and accounts' units) gives
the issuer (its 办公厅/办公室), the addressee and area by its level, and the contact line from
the issuer's registered contact. What none of them gives stops the bulletin with a message
(bulletin_issue.BulletinSettingsError) instead of a "××" in print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from govwatch.engine.reports.bulletin import DEFAULT_TEMPLATE, BulletinTemplate, load_template
from govwatch.engine.reports.bulletin_issue import (
    ADDRESSEE_BY_LEVEL,
    AREA_BY_LEVEL,
    DEFAULT_DOC_NUMBER_PATTERN,
    BulletinSettingsError,
    Issue,
    doc_number_format,
    issued,
    rectification_deadline,
)
from govwatch.engine.workdays import china_date
from govwatch.web.inspections.models import Inspection
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.services import dispatch_calendar


@dataclass(frozen=True)
class IssueOptions:
    """What the caller says for this issue (None: not said)."""

    template: Path | None = None
    doc_number: str | None = None
    doc_seq: int | None = None
    issue_date: dt.date | None = None
    deadline: dt.date | None = None
    issuer: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class ResolvedIssue:
    template: BulletinTemplate  # final: compose prints it as it is
    notes: tuple[str, ...]  # what the office should know (provisional deadline, no 文号…)


def _chain(unit: Unit) -> list[Unit]:
    """UNIT and its ancestors, nearest first (a loop in bad data stops at the repeat)."""
    chain: list[Unit] = []
    seen: set[int] = set()
    node: Unit | None = unit
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def inspection_top_unit(inspection: Inspection) -> Unit | None:
    """The inspection's region, else the nearest unit above every judged target (any target
    when none was judged); None when they have no common ancestor."""
    if inspection.region is not None:
        return inspection.region
    results = inspection.results.select_related("site__operating_unit", "account__opening_unit")
    judged = [r for r in results if r.verdict != "unknown"] or list(results)
    units = {
        (r.site.operating_unit if r.site is not None else r.account.opening_unit).pk: (
            r.site.operating_unit if r.site is not None else r.account.opening_unit
        )
        for r in judged
        if r.site is not None or r.account is not None
    }
    if not units:
        return None
    chains = [_chain(unit) for unit in units.values()]
    common = set.intersection(*({u.pk for u in chain} for chain in chains))
    return next((u for u in chains[0] if u.pk in common), None)


def _office_of(unit: Unit) -> tuple[str, Unit]:
    """A government's general office (办公厅 for province and above, else 办公室): the
    registered one when the registry has it; a department issues in its own name."""
    if unit.kind != "government":
        return unit.name, unit
    for suffix in ("办公厅", "办公室"):
        office = Unit.objects.filter(parent=unit, name=f"{unit.name}{suffix}").first()
        if office is not None:
            return office.name, office
    suffix = "办公厅" if unit.level in ("national", "province") else "办公室"
    return f"{unit.name}{suffix}", unit


def _contact_of(unit: Unit) -> str:
    parts = []
    if unit.contact_person:
        parts.append(f"联系人：{unit.contact_person}")
    if unit.phone:
        parts.append(f"联系电话：{unit.phone}")
    return f"（{'，'.join(parts)}）" if parts else ""


def _first(*values: str | None) -> str:
    return next((v.strip() for v in values if v and v.strip()), "")


def template_path(options: IssueOptions) -> Path:
    if options.template is not None:
        return options.template
    configured = settings.GOVWATCH_BULLETIN_TEMPLATE
    return Path(configured) if configured else DEFAULT_TEMPLATE


def bulletin_issue_resolve(inspection: Inspection, options: IssueOptions) -> ResolvedIssue:
    """The final template for this issue, or BulletinSettingsError naming what to set."""
    path = template_path(options)
    if not path.is_file():
        raise BulletinSettingsError(
            f"找不到通报模板文件 {path}（GOVWATCH_BULLETIN_TEMPLATE 或 --template）"
        )
    try:
        template = load_template(path)
    except ValueError as exc:
        raise BulletinSettingsError(str(exc)) from exc
    notes: list[str] = []
    top = inspection_top_unit(inspection)
    issuer = _first(options.issuer, template.issuer, settings.GOVWATCH_BULLETIN_ISSUER)
    issuer_unit: Unit | None = Unit.objects.filter(name=issuer).first() if issuer else None
    if not issuer:
        if top is None:
            raise BulletinSettingsError(
                "无法由登记信息确定发文机关（本次检查的对象不属于同一上级单位）："
                "请设置 GOVWATCH_BULLETIN_ISSUER（或通报模板 issuer、命令选项 --issuer），"
                "如“示范省人民政府办公厅”"
            )
        issuer, issuer_unit = _office_of(top)
        notes.append(f"发文机关按登记信息推导为“{issuer}”（可用 GOVWATCH_BULLETIN_ISSUER 设置）")
    issue_date = options.issue_date or template.issue_date or china_date(timezone.now())
    deadline = options.deadline or template.rectification_deadline
    if deadline is None:
        counted = rectification_deadline(
            issue_date, template.rectification_working_days, dispatch_calendar()
        )
        deadline = counted.day
        if counted.note_zh:
            notes.append(counted.note_zh)
    contacts = template.contacts
    if options.contact is not None:
        contacts = (options.contact.strip(),) if options.contact.strip() else ()
    elif not contacts and settings.GOVWATCH_BULLETIN_CONTACT:
        contacts = (settings.GOVWATCH_BULLETIN_CONTACT,)
    if not contacts and issuer_unit is not None and _contact_of(issuer_unit):
        contacts = (_contact_of(issuer_unit),)
    if not contacts:
        notes.append(
            "未设置联系人，通报不含联系人行（可用 GOVWATCH_BULLETIN_CONTACT 或 --contact 设置）"
        )
    doc_number = _first(options.doc_number)
    if not doc_number:
        abbr = _first(template.doc_abbr, settings.GOVWATCH_BULLETIN_DOC_ABBR)
        pattern = _first(template.doc_number_pattern, settings.GOVWATCH_BULLETIN_DOC_NUMBER)
        if abbr and not pattern:
            pattern = DEFAULT_DOC_NUMBER_PATTERN
        if pattern:
            doc_number = doc_number_format(
                pattern, abbr=abbr, year=issue_date.year, seq=options.doc_seq
            )
        else:
            doc_number = template.doc_number
    if not doc_number:
        notes.append(
            "未设置文号，通报不含文号行（可用 GOVWATCH_BULLETIN_DOC_ABBR、"
            "GOVWATCH_BULLETIN_DOC_NUMBER 或 --doc-number 设置）"
        )
    level = top.level if top is not None else ""
    final = issued(
        template,
        Issue(
            issuer=issuer,
            issue_date=issue_date,
            deadline=deadline,
            doc_number=doc_number,
            contacts=contacts,
            addressee=template.addressee or ADDRESSEE_BY_LEVEL.get(level, ""),
            area=template.area or AREA_BY_LEVEL.get(level, ""),
        ),
    )
    return ResolvedIssue(final, tuple(notes))
