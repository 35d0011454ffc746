"""The per-issue parts of a bulletin: issuer, document number, dates, contacts.

An office answers these once (settings, its template, or command options); what it leaves
open is derived by the caller from the registry, and what can be neither derived nor asked
for stops the bulletin with a Chinese message naming the setting, instead of printing the
"××" of a blank form. The rectification deadline is counted in official working days on
the product's calendar from the issue date, never written into the template.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from string import Formatter

from govwatch.engine.reports.bulletin_template import BulletinTemplate
from govwatch.engine.workdays import WorkCalendar

# A "×" run is how blank forms mark what the office must fill in: never print one.
PLACEHOLDER = re.compile(r"[×Ｘ]|＿{2,}")
DEFAULT_DOC_NUMBER_PATTERN = "{abbr}〔{year}〕{n}号"

# Who a bulletin is addressed to, by the level of the issuing government (seeds 003, 004).
ADDRESSEE_BY_LEVEL = {
    "national": "各省、自治区、直辖市人民政府办公厅，国务院各部委、各直属机构办公厅（室）：",
    "province": "各设区市人民政府，省人民政府各工作部门、各直属机构：",
    "prefecture": "各县（市、区）人民政府，市人民政府各部门、各直属机构：",
    "county": "各乡（镇）人民政府、街道办事处，县人民政府各部门：",
}
AREA_BY_LEVEL = {"national": "全国", "province": "全省", "prefecture": "全市", "county": "全县"}
DEFAULT_ADDRESSEE = "各有关单位："


class BulletinSettingsError(ValueError):
    """A part of the bulletin that is neither set nor derivable (message in Chinese)."""


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    # Set when the count ran past the years the calendar knows (Monday to Friday assumed).
    note_zh: str = ""


def rectification_deadline(
    issue_date: dt.date, working_days: int, calendar: WorkCalendar
) -> Deadline:
    """ISSUE_DATE plus WORKING_DAYS official working days (the n-th working day after it).

    A ``provisional`` calendar counts a year nobody has arranged yet Monday to Friday; the
    note says so, as the problem lists do, so the office can check the date.
    """
    if working_days < 1:
        raise BulletinSettingsError(
            f"整改期限工作日数应为正整数（rectification_working_days），实际为 {working_days}"
        )
    day = calendar.add_working_days(issue_date, working_days)
    years = calendar.uncovered_years(issue_date, day)
    if not years:
        return Deadline(day)
    named = "、".join(f"{y}年" for y in years)
    return Deadline(
        day, f"整改期限按周一至周五推算（{named}节假日安排尚未录入），录入后以实际工作日为准"
    )


def doc_number_format(pattern: str, *, abbr: str, year: int, seq: int | None) -> str:
    """The 文号 from the office's pattern, e.g. "{abbr}〔{year}〕{n}号" -> 示政办函〔2024〕3号."""
    fields = {name for _, name, _, _ in Formatter().parse(pattern) if name}
    unknown = fields - {"abbr", "year", "n"}
    if unknown:
        raise BulletinSettingsError(
            f"文号格式“{pattern}”含未知字段 {'、'.join(sorted(unknown))}，"
            "只能使用 {abbr}（机关代字）、{year}（年份）、{n}（序号）"
        )
    if "abbr" in fields and not abbr:
        raise BulletinSettingsError(
            "文号格式需要机关代字：请设置 GOVWATCH_BULLETIN_DOC_ABBR（或模板 doc_abbr、"
            "--doc-abbr），如“示政办函”；或用 --doc-number 给出完整文号"
        )
    if "n" in fields and seq is None:
        raise BulletinSettingsError(
            f"文号格式“{pattern}”需要本期序号：请用 --doc-seq 指定（如 3），"
            "或用 --doc-number 给出完整文号"
        )
    return pattern.format(abbr=abbr, year=year, n=seq)


@dataclass(frozen=True)
class Issue:
    """Everything resolved for one issue; ``issued`` turns a template into a final one."""

    issuer: str
    issue_date: dt.date
    deadline: dt.date | None
    doc_number: str = ""
    contacts: tuple[str, ...] = ()
    addressee: str = ""
    area: str = ""


def issued(template: BulletinTemplate, issue: Issue) -> BulletinTemplate:
    """TEMPLATE with the issue's parts filled in; raises when a placeholder would print."""
    if not issue.issuer.strip():
        raise BulletinSettingsError(
            "未设置发文机关：请设置 GOVWATCH_BULLETIN_ISSUER（或模板 issuer、--issuer），"
            "如“示范省人民政府办公厅”"
        )
    if issue.deadline is not None and issue.deadline < issue.issue_date:
        raise BulletinSettingsError(
            f"整改期限 {date_zh(issue.deadline)} 早于发文日期 {date_zh(issue.issue_date)}"
        )

    def fill(value: str) -> str:
        return value.replace("{issuer}", issue.issuer).replace("{area}", issue.area)

    final = dataclasses.replace(
        template,
        issuer=issue.issuer,
        letterhead=fill(template.letterhead or "{issuer}"),
        signature=fill(template.signature or "{issuer}"),
        title=fill(template.title),
        preamble=fill(template.preamble),
        area=issue.area,
        doc_number=issue.doc_number,
        addressee=issue.addressee or template.addressee or DEFAULT_ADDRESSEE,
        date_zh=date_zh(issue.issue_date),
        contacts=issue.contacts,
        rectification_deadline_zh=date_zh(issue.deadline) if issue.deadline else "",
        rectification_to=fill(template.rectification_to or "{issuer}"),
    )
    placeholders_refuse(final)
    return final


_FILLED_FIELDS = {
    "letterhead": "版头（letterhead）",
    "doc_number": "文号（GOVWATCH_BULLETIN_DOC_NUMBER / --doc-number）",
    "title": "标题（title）",
    "addressee": "主送机关（addressee）",
    "preamble": "开头语（preamble）",
    "signature": "落款（signature / GOVWATCH_BULLETIN_ISSUER）",
    "date_zh": "成文日期（--issue-date）",
    "rectification_to": "整改情况报送单位（rectification_to）",
}


def placeholders_refuse(template: BulletinTemplate) -> None:
    """Raise when any office-written part still holds a blank-form placeholder (××)."""
    found: list[str] = []
    for name, label in _FILLED_FIELDS.items():
        if PLACEHOLDER.search(str(getattr(template, name))):
            found.append(label)
    if any(PLACEHOLDER.search(line) for line in template.contacts):
        found.append("联系人（GOVWATCH_BULLETIN_CONTACT / --contact）")
    if any(PLACEHOLDER.search(line) for line in template.requirements):
        found.append("工作要求（requirements）")
    if found:
        raise BulletinSettingsError(
            f"通报中仍有“××”等待填写的占位内容：{'、'.join(found)}；"
            "请在设置、通报模板或命令选项中填写后再生成"
        )
