"""Report services (step 6): the quarterly bulletin from an inspection and its period's data.

The engine composes and writes the documents; this module only gathers the rows from the
database into the engine's BulletinData.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from govwatch.engine.interaction.consultations import BUCKET_LABELS_ZH
from govwatch.engine.outputs import atomic_files
from govwatch.engine.profiles.scoring import rules_title
from govwatch.engine.reports.bulletin import (
    NO_ANNEX_ZH,
    BulletinData,
    PreviousPeriod,
    RecurringProblem,
    SiteProblem,
    WordingExample,
    compose,
)
from govwatch.engine.reports.bulletin_issue import BulletinSettingsError
from govwatch.engine.reports.docx_writer import write_docx
from govwatch.engine.reports.pdf import docx_to_pdf
from govwatch.engine.reports.xlsx_writer import write_xlsx
from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.inspections.selectors import inspection_lists
from govwatch.web.interaction.services import consultation_summary
from govwatch.web.newmedia.models import Post
from govwatch.web.reports.issue import IssueOptions, bulletin_issue_resolve
from govwatch.web.tickets.models import ProblemItem
from govwatch.web.tickets.selectors import (
    previous_period_rectification,
    problem_completion_rows,
    recurring_items,
)

PROBLEM_SEVERITIES = ("veto", "deduction", "warning")
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".txt")


@dataclass(frozen=True)
class BulletinFiles:
    docx: Path
    xlsx: Path
    pdf: Path | None
    pdf_message: str
    # What the office should know: a deadline counted Monday to Friday, a derived issuer,
    # no 文号 or contact set, a PDF without the Chinese serif font.
    notes: tuple[str, ...] = ()


def period_zh(inspection: Inspection) -> str:
    start, end = inspection.period_start, inspection.period_end
    if start.month in (1, 4, 7, 10) and start.day == 1 and (end.month - start.month) == 2:
        quarter = "一二三四"[(start.month - 1) // 3]
        return f"{start.year}年第{quarter}季度"
    if start.year == end.year and start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}"


def _counting(result: InspectionResult, severities: tuple[str, ...]) -> list[InspectionFinding]:
    return [
        f
        for f in result.findings.all()
        if f.state in ("open", "confirmed") and f.severity in severities
    ]


def _problem_label(finding: InspectionFinding) -> str:
    label = finding.evidence.get("problem_type")
    if isinstance(label, str) and label:
        return label
    return rules_title(finding.to_finding())


def _site_rows(
    results: list[InspectionResult], severities: tuple[str, ...]
) -> list[dict[str, str]]:
    """One row per site: its columns and problem types joined, so counts stay per site."""
    rows = []
    for result in results:
        assert result.site is not None
        wheres: list[str] = []
        labels: list[str] = []
        for finding in _counting(result, severities):
            if where := _where(finding):
                wheres.append(where)
            labels.append(_problem_label(finding))
        if labels:
            rows.append(
                {
                    "site_name": result.site.name,
                    "operating_unit": result.site.operating_unit.name,
                    "column_name": "、".join(dict.fromkeys(wheres)),
                    "problem_type": "、".join(dict.fromkeys(labels)),
                }
            )
    return rows


def _where(finding: InspectionFinding) -> str:
    """The column a site finding is in, 首页, or "" for the site as a whole."""
    if finding.target_kind == "column":
        return str(finding.evidence.get("column") or finding.target_id)
    if finding.target_kind == "home_page" or finding.evidence.get("on_home_page"):
        return "首页"
    return ""


def _site_problems(results: list[InspectionResult]) -> list[SiteProblem]:
    """Each problem of each listed site where it was found, for the wording of 存在问题."""
    return [
        SiteProblem(result.site.name, _problem_label(finding), _where(finding))
        for result in results
        if result.site is not None
        for finding in _counting(result, PROBLEM_SEVERITIES)
    ]


def _unjudged(inspection: Inspection) -> list[dict[str, str]]:
    """Targets the inspection could not judge, with its reason, sites first."""
    rows = []
    results = inspection.results.filter(verdict="unknown").select_related(
        "site__operating_unit", "account__opening_unit", "account__supervising_unit"
    )
    for result in results.order_by("site__site_code", "account__name"):
        if result.site is not None:
            kind, name, unit = "政府网站", result.site.name, result.site.operating_unit.name
        elif result.account is not None:
            account = result.account
            kind = "政务新媒体"
            name = f"{account.name}（{account.get_platform_display()}）"
            unit = (account.supervising_unit or account.opening_unit).name
        else:
            continue
        reason = result.reason or "本期没有可用的监测数据"
        rows.append({"kind_zh": kind, "name": name, "unit": unit, "reason": reason})
    rows.sort(key=lambda r: r["kind_zh"] != "政府网站")
    return rows


def _account_rows(
    results: list[InspectionResult], severities: tuple[str, ...]
) -> list[dict[str, str]]:
    """One row per account, its problem types joined."""
    rows = []
    for result in results:
        account = result.account
        assert account is not None
        labels = dict.fromkeys(_problem_label(f) for f in _counting(result, severities))
        if labels:
            supervising = account.supervising_unit or account.opening_unit
            rows.append(
                {
                    "account_name": account.name,
                    "supervising_unit": supervising.name,
                    "platform": account.get_platform_display(),
                    "problem_type": "、".join(labels),
                }
            )
    return rows


def _listed_articles(result: InspectionResult) -> dict[str, tuple[str, str]]:
    """(title, column) by URL of every item the result's scan listed, the first listing
    winning: read once per result, not once per finding."""
    found: dict[str, tuple[str, str]] = {}
    if result.scan is None:
        return found
    for column in result.scan.columns.all():
        for item in column.items:
            if len(item) >= 2:
                found.setdefault(item[1], (str(item[0] or "").strip(), column.name))
    return found


def _article(
    result: InspectionResult, url: str, listed: dict[int, dict[str, tuple[str, str]]]
) -> tuple[str, str]:
    """(title, column) of the page or post at URL, from the scan's column lists (LISTED
    keeps them by result) or the posts."""
    if not url:
        return "", ""
    if result.account is not None:
        post = Post.objects.filter(account=result.account, url=url).only("title").first()
        return (post.title.strip() if post else ""), ""
    if result.scan is None:
        return "", ""
    if result.pk not in listed:
        listed[result.pk] = _listed_articles(result)
    if url in listed[result.pk]:
        return listed[result.pk][url]
    if result.site is not None and url.rstrip("/") == result.site.home_url.rstrip("/"):
        return "", "首页"
    return "", ""


def _wording_examples(results: list[InspectionResult]) -> list[WordingExample]:
    """The serious wrong expressions (TXT001) quoted with their correction, naming the article
    and the column (or the account) that carry them."""
    examples = []
    listed: dict[int, dict[str, tuple[str, str]]] = {}
    for result in results:
        for finding in _counting(result, PROBLEM_SEVERITIES):
            if finding.code != "TXT001":
                continue
            url = str(finding.evidence.get("url", ""))
            title, column = _article(result, url, listed)
            name = url.rsplit("/", 1)[-1]
            attachment = name if name.lower().endswith(ATTACHMENT_SUFFIXES) else ""
            wrong = str(finding.evidence.get("text", ""))
            correct = str(finding.evidence.get("suggestion", ""))
            if result.account is not None:
                account = result.account
                example = WordingExample(
                    unit=(account.supervising_unit or account.opening_unit).name,
                    where="",
                    wrong=wrong,
                    correct=correct,
                    article=title,
                    account=account.name,
                    platform=account.get_platform_display(),
                )
            elif result.site is not None:
                example = WordingExample(
                    unit=result.site.operating_unit.name,
                    where="",
                    wrong=wrong,
                    correct=correct,
                    article=title,
                    column=column,
                    site=result.site.name,
                    attachment=attachment,
                )
            else:
                continue
            examples.append(example)
    return examples


def _previous_period(inspection: Inspection) -> PreviousPeriod | None:
    """上期问题整改情况 from the previous period's problem lists, when there are any."""
    previous = previous_period_rectification(inspection)
    if previous is None:
        return None
    return PreviousPeriod(
        period_zh=period_zh(previous.inspection),
        sent=previous.sent,
        closed=previous.closed,
        open_units=previous.open_units,
    )


def _recurring_target(item: ProblemItem) -> str:
    if item.account is not None:
        return f"{item.account.get_platform_display()}“{item.account.name}”"
    if item.site is None:
        return ""
    column = f"“{item.column.name}”栏目" if item.column is not None else ""
    return f"“{item.site.name}”网站{column}"


def _recurring(inspection: Inspection) -> list[RecurringProblem]:
    """Problems earlier lists carried already (经多次通报依然未整改)."""
    return [
        RecurringProblem(
            unit=item.problem_list.unit.name,
            target=_recurring_target(item),
            problem=str(item.evidence.get("problem_type") or item.title),
            earlier=item.recurrence,
        )
        for item in recurring_items(inspection)
    ]


def bulletin_data(inspection: Inspection) -> BulletinData:
    lists = inspection_lists(inspection)
    sites = inspection.results.exclude(site=None).exclude(verdict="unknown")
    accounts = inspection.results.exclude(account=None).exclude(verdict="unknown")

    def of(results: list[InspectionResult], kind: str) -> list[InspectionResult]:
        return [r for r in results if getattr(r, f"{kind}_id") is not None]

    summary = consultation_summary(inspection.period_start, inspection.period_end)
    interaction = [
        {"site_name": r.test.target, "response_category_zh": BUCKET_LABELS_ZH[r.bucket]}
        for r in summary.results
    ]
    return BulletinData(
        period_zh=period_zh(inspection),
        sites_checked=sites.count(),
        accounts_checked=accounts.count(),
        unqualified_sites=_site_rows(of(lists.unqualified, "site"), ("veto",)),
        problem_sites=_site_rows(of(lists.with_problems, "site"), PROBLEM_SEVERITIES),
        unqualified_accounts=_account_rows(of(lists.unqualified, "account"), ("veto",)),
        problem_accounts=_account_rows(of(lists.with_problems, "account"), PROBLEM_SEVERITIES),
        interaction=interaction,
        interaction_order=tuple(BUCKET_LABELS_ZH[b] for b in summary.profile.bucket_order),
        on_time_categories=tuple(BUCKET_LABELS_ZH[b] for b in summary.profile.on_time_buckets),
        wording_examples=_wording_examples(list(lists.unqualified) + list(lists.with_problems)),
        site_problems=_site_problems(
            of(lists.unqualified, "site") + of(lists.with_problems, "site")
        ),
        unjudged=_unjudged(inspection),
        # 问题清单办理情况 from the period's problem lists (none sent: no paragraph, no annex).
        tickets=problem_completion_rows(inspection),
        previous_period=_previous_period(inspection),
        recurring=_recurring(inspection),
        excellent_accounts=[
            {"platform_zh": r.account.get_platform_display(), "account_name": r.account.name}
            for r in of(lists.excellent, "account")
            if r.account is not None
        ],
    )


def bulletin_write(
    inspection: Inspection,
    out: Path,
    *,
    template: Path | None = None,
    doc_number: str | None = None,
    pdf: bool = True,
    issue_date: date | None = None,
    deadline: date | None = None,
    issuer: str | None = None,
    contact: str | None = None,
    doc_seq: int | None = None,
) -> BulletinFiles:
    """Write 通报.docx, 附件.xlsx and (when LibreOffice is installed) 通报.pdf into OUT.

    The issue's parts come from the arguments, the template, the GOVWATCH_BULLETIN_*
    settings, then the registry (web/reports/issue.py); what none gives raises
    BulletinSettingsError (a Chinese message naming the setting) before anything is written.
    The deadline is ISSUE_DATE (default today) plus the template's working days unless
    DEADLINE is given. The files appear together or not at all, and a pdf of an earlier run
    that this run did not remake is removed, so they never disagree.
    """
    options = IssueOptions(
        template=template,
        doc_number=doc_number,
        doc_seq=doc_seq,
        issue_date=issue_date,
        deadline=deadline,
        issuer=issuer,
        contact=contact,
    )
    resolved = bulletin_issue_resolve(inspection, options)
    document = compose(bulletin_data(inspection), resolved.template)
    stem = f"通报-{inspection.period}"
    docx, xlsx, pdf_path = out / f"{stem}.docx", out / f"{stem}-附件.xlsx", out / f"{stem}.pdf"
    out.mkdir(parents=True, exist_ok=True)
    with atomic_files(docx, xlsx, pdf_path) as (docx_temp, xlsx_temp, pdf_temp):
        write_docx(document, docx_temp)
        write_xlsx(document.annexes, xlsx_temp, empty_note=NO_ANNEX_ZH)
        result = docx_to_pdf(docx_temp, out, name=pdf_temp.name) if pdf else None
    notes = resolved.notes
    if result is None:
        return BulletinFiles(docx, xlsx, None, "未要求生成 PDF", notes)
    notes += result.warnings_zh
    return BulletinFiles(docx, xlsx, pdf_path if result.ok else None, result.message_zh, notes)


__all__ = ["BulletinFiles", "BulletinSettingsError", "bulletin_data", "bulletin_write", "period_zh"]
