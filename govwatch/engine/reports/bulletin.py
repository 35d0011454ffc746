"""Inspection bulletin (通报) composed from data: text parts and annex tables.

The office's own parts (letterhead, document number, addressee, signature, contacts, the
standing requirements of 下一步工作要求) come from an editable template (YAML, see
templates/bulletin.yaml); everything that states a figure or names a unit is generated from
BulletinData, so the text and the annexes cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from govwatch.engine.interaction.rates import format_rate
from govwatch.engine.reports.bulletin_template import (
    DEFAULT_TEMPLATE,
    BulletinTemplate,
    load_template,
)
from govwatch.engine.reports.bulletin_wording import (
    SiteProblem,
    WordingExample,
    account_phrase,
    accounts_sentence,
    site_problems_from_rows,
    sites_sentence,
    wording_phrase,
)
from govwatch.engine.reports.docx_writer import OfficialDocument, Para
from govwatch.engine.reports.records import Record, count, text
from govwatch.engine.reports.tables import (
    Table,
    app_columns_table,
    excellent_accounts_table,
    interaction_buckets_table,
    problem_accounts_table,
    problem_sites_table,
    ticket_completion_table,
    unjudged_table,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "BulletinData",
    "BulletinTemplate",
    "PreviousPeriod",
    "RecurringProblem",
    "SiteProblem",
    "WordingExample",
    "compose",
    "load_template",
]
_NUMERALS = "一二三四五六七八九十"
NOTHING_TO_REPORT_ZH = "本期检查的政府网站和政务新媒体均未发现需要通报的问题。"
NO_ANNEX_ZH = "本期检查未发现需要列入附件的问题，本通报无附件表。"


@dataclass(frozen=True)
class PreviousPeriod:
    """上期问题整改情况: the previous period's problem lists as they stand now."""

    period_zh: str
    sent: int
    closed: int
    # Units with items not yet closed, and how many each (named in this order).
    open_units: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class RecurringProblem:
    """A problem earlier problem lists carried already: 经多次通报依然未整改."""

    unit: str
    target: str  # as printed: 微信订阅号“陕西省渭南监狱”, “××网站”“通知公告”栏目
    problem: str
    earlier: int  # how many earlier lists carried it


@dataclass(frozen=True)
class BulletinData:
    period_zh: str
    sites_checked: int
    accounts_checked: int
    unqualified_sites: Sequence[Record] = ()
    problem_sites: Sequence[Record] = ()
    unqualified_accounts: Sequence[Record] = ()
    problem_accounts: Sequence[Record] = ()
    wording_examples: Sequence[WordingExample] = ()
    interaction: Sequence[Record] = ()
    interaction_order: Sequence[str] = ()
    on_time_categories: Sequence[str] = ()
    tickets: Sequence[Record] = ()
    previous_period: PreviousPeriod | None = None
    recurring: Sequence[RecurringProblem] = ()
    excellent_accounts: Sequence[Record] = ()
    column_counts: Sequence[Record] = ()
    extra_annexes: Sequence[Table] = field(default_factory=tuple)
    # Each site problem where it was found (column, 首页); without them the text words the
    # rows of unqualified_sites and problem_sites.
    site_problems: Sequence[SiteProblem] = ()
    # Targets that could not be judged (kind_zh, name, unit, reason): not counted as checked,
    # never silently dropped.
    unjudged: Sequence[Record] = ()


def _names(records: Sequence[Record], key: str, quote: bool = True) -> str:
    items = list(dict.fromkeys(text(r, key) for r in records))
    return "、".join(f"“{name}”" if quote else name for name in items)


def _annexes(data: BulletinData) -> list[tuple[str, Table]]:
    """(key, table) for every part with rows; numbered later, in the order the text cites them."""
    p = data.period_zh
    parts: list[tuple[str, Table]] = []
    if data.unqualified_sites:
        table = problem_sites_table(data.unqualified_sites, f"{p}不合格的政府网站")
        parts.append(("unqualified_sites", table))
    if data.unqualified_accounts:
        table = problem_accounts_table(data.unqualified_accounts, f"{p}不合格的政务新媒体")
        parts.append(("unqualified", table))
    if data.unjudged:
        parts.append(("unjudged", unjudged_table(data.unjudged, f"{p}无法判定的检查对象")))
    if data.problem_accounts:
        parts.append(
            ("problems", problem_accounts_table(data.problem_accounts, f"{p}存在问题的政务新媒体"))
        )
    if data.problem_sites:
        table = problem_sites_table(data.problem_sites, f"{p}存在问题的政府网站")
        parts.append(("problem_sites", table))
    if data.interaction:
        table = interaction_buckets_table(
            data.interaction,
            category_key="response_category_zh",
            category_order=data.interaction_order,
            title=f"{p}政府网站互动回应检查情况",
        )
        parts.append(("interaction", table))
    if data.tickets:
        parts.append(
            (
                "tickets",
                ticket_completion_table(data.tickets).with_title(f"{p}问题清单办理情况统计表"),
            )
        )
    if data.excellent_accounts:
        parts.append(
            (
                "excellent",
                excellent_accounts_table(data.excellent_accounts).with_title(
                    f"{p}优秀的政务新媒体"
                ),
            )
        )
    if data.column_counts:
        parts.append(
            ("columns", app_columns_table(data.column_counts).with_title(f"{p}栏目信息发布统计表"))
        )
    for table in data.extra_annexes:  # keys stay unique: they number the annexes
        taken = {key for key, _ in parts}
        key = next(k for n in range(len(parts) + 2) if (k := f"{table.key}{n or ''}") not in taken)
        parts.append((key, table))
    return parts


# A citation is written as a marker first and numbered once the whole text exists, so the
# annexes are numbered in the order the text first cites them (附件1 is the first one read).
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}([^{_MARK_CLOSE}]+){_MARK_CLOSE}")


class Citations:
    def __init__(self, available: Sequence[str]) -> None:
        self.available = set(available)
        self.order: list[str] = []

    def see(self, *keys: str) -> str:
        """（详见附件N） or （详见附件N、附件M） for the annexes that exist, else nothing."""
        present = [key for key in keys if key in self.available]
        for key in present:
            if key not in self.order:
                self.order.append(key)
        if not present:
            return ""
        return "（详见" + "、".join(f"附件{_MARK_OPEN}{k}{_MARK_CLOSE}" for k in present) + "）"

    def numbers(self, keys: Sequence[str]) -> dict[str, int]:
        """Cited annexes first, in citation order; any never cited after them, in KEYS order."""
        ordered = [*self.order, *(k for k in keys if k not in self.order)]
        return {key: index for index, key in enumerate(ordered, start=1)}


def _numbered_text(value: str, numbers: Mapping[str, int]) -> str:
    return _MARK.sub(lambda m: str(numbers[m.group(1)]), value)


Rate = Callable[[int, int], str]


def _unjudged(data: BulletinData, cite: Citations) -> str:
    """另有…无法判定，未计入检查数和合格率 (the could-not-fetch state, DESIGN §3)."""
    kinds = [text(r, "kind_zh") for r in data.unjudged]
    counted = "、".join(f"{kinds.count(kind)}个{kind}" for kind in dict.fromkeys(kinds) if kind)
    return (
        f"另有{counted}因缺少监测数据或数据获取失败，本期无法判定，未计入检查数和合格率"
        f"{cite.see('unjudged')}。"
    )


def _overview(data: BulletinData, cite: Citations, rate: Rate) -> list[str]:
    """一、总体情况: one paragraph per kind of figure the data has."""
    bad_sites, bad_accounts = len(data.unqualified_sites), len(data.unqualified_accounts)
    good_sites = data.sites_checked - bad_sites
    good_accounts = data.accounts_checked - bad_accounts
    check = (
        f"检查情况。{data.period_zh}，共检查政府网站{data.sites_checked}个，"
        f"合格{good_sites}个，不合格{bad_sites}个，合格率为{rate(good_sites, data.sites_checked)}；"
        f"检查政务新媒体{data.accounts_checked}个，合格{good_accounts}个，不合格{bad_accounts}个，"
        f"合格率为{rate(good_accounts, data.accounts_checked)}。"
    )
    if data.unqualified_sites:
        names = "、".join(
            f"“{n}”网" for n in dict.fromkeys(text(r, "site_name") for r in data.unqualified_sites)
        )
        check += f"{names}不合格{cite.see('unqualified_sites')}。"
    if data.unqualified_accounts:
        names = "、".join(dict.fromkeys(account_phrase(r) for r in data.unqualified_accounts))
        check += f"{names}不合格{cite.see('unqualified')}。"
    if data.unjudged:
        check += _unjudged(data, cite)
    if data.excellent_accounts:
        first = text(data.excellent_accounts[0], "account_name")
        check += (
            f"“{first}”等{len(data.excellent_accounts)}个政务新媒体更新及时、内容优质，"
            f"予以通报表扬{cite.see('excellent')}。"
        )
    parts = [check]
    if data.interaction:
        tested = len(data.interaction)
        labels = [text(r, "response_category_zh") for r in data.interaction]
        on_time = sum(1 for label in labels if label in data.on_time_categories)
        buckets = "，".join(f"{label}{labels.count(label)}家" for label in dict.fromkeys(labels))
        parts.append(
            f"互动回应情况。对{tested}个政府网站进行咨询信件测试，{buckets}，"
            f"按期答复率为{rate(on_time, tested)}{cite.see('interaction')}。"
        )
    if data.tickets:
        issued = sum(count(r, "tickets_total") for r in data.tickets)
        closed = sum(count(r, "tickets_closed") for r in data.tickets)
        done = [r for r in data.tickets if count(r, "tickets_closed") == count(r, "tickets_total")]
        line = f"问题清单办理情况。转办的问题清单{issued}个，其中已办结{closed}个，办结率为{rate(closed, issued)}"
        if done:
            line += f"，{_names(done, 'region_or_unit', quote=False)}办结率均为{rate(1, 1)}"
        parts.append(f"{line}{cite.see('tickets')}。")
    if data.column_counts:
        published = sum(count(r, "items_published") for r in data.column_counts)
        parts.append(
            f"栏目信息发布情况。{len(data.column_counts)}个栏目共发布信息{published}条"
            f"{cite.see('columns')}。"
        )
    return parts


def _problems(data: BulletinData, cite: Citations) -> list[str]:
    """二、存在问题: named sites, columns and accounts; wrong expressions with their article."""
    problems: list[str] = []
    site_problems = list(data.site_problems) or site_problems_from_rows(
        [*data.unqualified_sites, *data.problem_sites]
    )
    if site_problems:
        named = sites_sentence(site_problems)
        see = cite.see("unqualified_sites", "problem_sites")
        problems.append(f"部分政府网站存在问题。{named}{see}。")
    accounts = [*data.unqualified_accounts, *data.problem_accounts]
    if accounts:
        # Seed 003's heading names the update problem; other problems get a neutral one.
        only_updates = all("更新" in text(r, "problem_type") for r in accounts)
        heading = "政务新媒体更新不及时" if only_updates else "部分政务新媒体存在问题"
        see = cite.see("unqualified", "problems")
        problems.append(f"{heading}。{accounts_sentence(accounts)}{see}。")
    if data.recurring:
        problems.append(f"问题整改不到位。{_recurring(data.recurring)}，经多次通报依然未整改。")
    if data.wording_examples:
        quoted = "；".join(wording_phrase(w) for w in data.wording_examples)
        problems.append(f"信息表述不规范。{quoted}，应予更正。")
    late = [
        r
        for r in data.interaction
        if text(r, "response_category_zh") not in data.on_time_categories
    ]
    if late:
        names = _names(late, "site_name", quote=False)
        problems.append(f"互动回应不及时。{names}未在规定时间内答复咨询信件。")
    quiet = [r for r in data.column_counts if count(r, "items_published") == 0]
    if quiet:
        problems.append(
            f"部分栏目未发布信息。{_names(quiet, 'column_name')}等{len(quiet)}个栏目本期发布数量为0"
            f"{cite.see('columns')}。"
        )
    return problems


def _recurring(items: Sequence[RecurringProblem]) -> str:
    """One entry per target: its problems joined, and the most times any was sent before."""
    targets: dict[tuple[str, str], list[RecurringProblem]] = {}
    for item in items:
        targets.setdefault((item.unit, item.target), []).append(item)
    return "；".join(
        f"{unit}{target}{'、'.join(dict.fromkeys(i.problem for i in group))}"
        f"（此前已通报{max(i.earlier for i in group)}次）"
        for (unit, target), group in targets.items()
    )


def _previous(previous: PreviousPeriod, rate: Rate) -> str:
    """上期问题整改情况: sent, closed, and who still owes what."""
    if previous.sent <= 0:
        return f"{previous.period_zh}未转办问题清单。"
    line = (
        f"{previous.period_zh}转办的问题清单{previous.sent}个，已办结{previous.closed}个，"
        f"办结率为{rate(previous.closed, previous.sent)}"
    )
    still_open = previous.sent - previous.closed
    if still_open > 0:
        line += f"；尚有{still_open}个问题未办结"
        if previous.open_units:
            line += "，涉及" + "、".join(f"{unit}{n}个" for unit, n in previous.open_units)
    else:
        line += "，问题均已办结"
    return f"{line}。"


def _numbered_paras(items: Sequence[str]) -> list[Para]:
    return [Para(f"（{_NUMERALS[i]}）{item}") for i, item in enumerate(items)]


def _fill(value: str, template: BulletinTemplate, period: str) -> str:
    """{period}, {area} and {issuer} in a template text (str.format would choke on braces)."""
    value = value.replace("{period}", period).replace("{area}", template.area)
    return value.replace("{issuer}", template.issuer)


def compose(data: BulletinData, template: BulletinTemplate) -> OfficialDocument:
    """The bulletin as an OfficialDocument ready for docx_writer.write_docx.

    TEMPLATE is the final one for this issue (bulletin_issue.issued fills issuer, dates and
    number); a template without an issuer simply leaves the issuer out.
    """
    annexes = _annexes(data)
    cite = Citations([key for key, _ in annexes])

    def rate(num: int, den: int) -> str:
        return format_rate(num, den, template.rate_decimals, template.rate_mode)

    body: list[Para] = []
    numerals = iter(_NUMERALS)

    def heading(title: str) -> None:  # numbered in order: 上期问题整改情况 only when there is one
        body.append(Para(f"{next(numerals)}、{title}", "heading1"))

    if template.preamble:
        body.append(Para(_fill(template.preamble, template, data.period_zh)))
    heading("总体情况")
    body.extend(_numbered_paras(_overview(data, cite, rate)))
    heading("存在问题")
    problems = _problems(data, cite)
    body.extend(_numbered_paras(problems) if problems else [Para(NOTHING_TO_REPORT_ZH)])
    if data.previous_period is not None:
        heading("上期问题整改情况")
        body.append(Para(_previous(data.previous_period, rate)))
    heading("下一步工作要求")
    requirements = list(template.requirements)
    to = template.rectification_to or template.signature
    if problems and template.rectification_deadline_zh and to:  # nobody to rectify anything
        requirements.append(
            f"对本次通报的问题，被通报单位要高度重视、立行立改，"
            f"于{template.rectification_deadline_zh}前将整改情况书面报送{to}。"
        )
    body.extend(_numbered_paras(requirements))
    numbers = cite.numbers([key for key, _ in annexes])
    by_key = dict(annexes)
    return OfficialDocument(
        title=_fill(template.title, template, data.period_zh),
        body=tuple(Para(_numbered_text(p.text, numbers), p.style) for p in body),
        letterhead=template.letterhead,
        doc_number=template.doc_number,
        addressee=template.addressee,
        signature=template.signature,
        date_zh=template.date_zh,
        contacts=template.contacts,
        annexes=tuple(by_key[key] for key in sorted(numbers, key=numbers.__getitem__)),
    )
