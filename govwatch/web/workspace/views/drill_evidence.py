"""What the evidence viewer shows of one finding besides its own row: the rule and its
official source, what the scan stored about the target (the text around a content hit,
the column's list, the broken link), and the finding's history across scans and periods.

Every query here is bounded (a fixed number per page, each row count capped), and every
row is read through the scope selectors.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.urls import reverse

from govwatch.engine.checks import registry
from govwatch.engine.labels import FINDING_STATE_ZH, SEVERITY_ZH, VERDICT_ZH
from govwatch.engine.text.findings import TextHit
from govwatch.web.config.engine import profile_load
from govwatch.web.inspections.models import AuditEntry, FindingDecision
from govwatch.web.newmedia.models import Post
from govwatch.web.registry.models import Account, Site
from govwatch.web.scans.models import (
    ColumnSnapshot,
    FindingRecord,
    LinkProblem,
    ScanFinding,
    ScanRun,
)
from govwatch.web.tickets.models import ITEM_STATE_ZH
from govwatch.web.users.selectors import (
    Scope,
    findings_visible,
    problem_items_visible,
    sites_visible,
)
from govwatch.web.workspace.templatetags.workspace_tags import excerpt_parts

# Rows of each kind the history reads at most: a finding seen on every daily scan for
# years stays one bounded page (the newest rows are the ones kept).
HISTORY_LIMIT = 100
# List items of a column snapshot shown as the stored page.
SNAPSHOT_ITEMS = 30
# Columns of a site-wide column finding (UPD002-004) shown with their snapshot.
SNAPSHOT_COLUMNS = 20


def scan_findings_visible(scope: Scope) -> Any:
    """A scan's findings in scope: those of the sites the login sees (the sites selector)."""
    return ScanFinding.objects.filter(run__site__in=sites_visible(scope))


# --- The rule ----------------------------------------------------------------------------


def doc_section(doc: str, title: str) -> str:
    """One ``## TITLE`` section of an indicator's docstring (base.DOC_SECTIONS), as text."""
    lines = inspect.cleandoc(doc).splitlines()
    found: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == title
            continue
        if inside:
            found.append(line)
    return "\n".join(found).strip()


# A document cited in an indicator's source: 国办秘函〔2019〕19号, 国办发〔2017〕47号《政府网站
# 发展指引》, 《中华人民共和国政府信息公开条例》第二十六条.
_DOCUMENT = re.compile(
    r"[\u4e00-\u9fff]+〔\d{4}〕\d+号(?:《[^》]+》)?|《[^》]+》(?:第[一二三四五六七八九十百]+条)?"
)
# The item of the document: 一、单项否决指标 1「站点无法访问」(一), up to the colon.
_ARTICLE = re.compile(r"[一二三四五六七八九十]+、[^:：\n]+|政务新媒体 [^:：\n]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese characters and full-width punctuation: a wrapped line next to one of them joins
# without a space.
_WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _unwrap(text: str) -> str:
    """Docstring lines joined: Chinese text (and digits next to it) runs on without a
    space; anything else (Latin words, ⇒) keeps one."""

    def close(a: str, b: str) -> bool:
        return bool(_WIDE.match(a)) and (bool(_WIDE.match(b)) or b.isdigit())

    out = ""
    for line in (part.strip() for part in text.splitlines()):
        if out and line and not (close(out[-1], line[0]) or close(line[0], out[-1])):
            out += " "
        out += line
    return out


def official_source(doc: str) -> dict[str, Any]:
    """An indicator's official source for a reader: the documents it cites, the item, and
    the requirement as the document words it (the Chinese clause after the item). The note
    as written (partly in English, for developers) is kept beside them."""
    source = _official_source(doc)
    return {**source, "documents": list(source["documents"])}  # the cached copy stays intact


# Docstrings are fixed for the process's life: each is parsed once, not on every page.
@lru_cache(maxsize=256)
def _official_source(doc: str) -> dict[str, Any]:
    note = _unwrap(doc_section(doc, "Official source"))
    documents = list(dict.fromkeys(m.group(0) for m in _DOCUMENT.finditer(note)))
    head, _, rest = note.partition(": ")
    article = _ARTICLE.search(head)
    # The requirement ends where the English commentary starts.
    clause = re.split(r"\. |[A-Za-z]{3,}", rest, maxsplit=1)[0].strip(" (（;；,，.")
    return {
        "documents": documents,
        "article": article.group(0).strip(" ,，") if article else "",
        "requirement": clause if len(_CJK.findall(clause)) >= 8 else "",
        "note": note,
    }


def rule_of(code: str, profile_name: str) -> dict[str, Any]:
    """The indicator behind CODE: title, official source (from its docstring) and how the
    profile (国办秘函〔2019〕19号 by default) applies it; a code no longer registered still
    shows, with what is known."""
    rule: dict[str, Any] = {"code": code, "title": "", "source": None, "profile": "", "level": ""}
    try:
        indicator = registry.get(code)
    except KeyError:
        return rule
    rule["title"] = indicator.title_zh
    rule["source"] = official_source(indicator.doc)
    if profile_name:
        try:
            profile = profile_load(profile_name)  # parsed once while its files are unchanged
        except (OSError, ValueError):  # a profile file moved away: the rule still shows
            rule["profile"] = profile_name
        else:
            rule["profile"] = profile.title_zh or profile.name
            applied = profile.rules.get(code)
            if applied is not None:
                rule["level"] = SEVERITY_ZH.get(applied.severity, applied.severity)
    return rule


# --- What the scan stored ------------------------------------------------------------------


@dataclass
class Stored:
    """What the scan kept about the finding's target: at most one of these is filled."""

    excerpt: dict[str, Any] | None = None
    columns: list[dict[str, Any]] | None = None  # {snap, items}
    link: LinkProblem | None = None
    home: ScanRun | None = None
    post: Post | None = None


def _hit_excerpt(hits: Any, finding: FindingRecord) -> dict[str, Any] | None:
    """The excerpt of the stored text hit the finding was made from (same page, same text)."""
    text = finding.evidence.get("text") if isinstance(finding.evidence, dict) else None
    if not isinstance(hits, list) or not isinstance(text, str):
        return None
    for data in hits:
        if not isinstance(data, dict):
            continue
        hit = TextHit.from_stored(data)
        if hit.text == text and hit.url in ("", finding.target_id):
            sides = hit.excerpt()
            if sides is not None:
                return excerpt_parts(sides[0], hit.text, sides[1])
    return None


def _column_names(evidence: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("column", "stale_columns", "blank_columns", "unknown_columns"):
        value = evidence.get(key)
        names += (
            [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
        )
    return names[:SNAPSHOT_COLUMNS]


def stored_evidence(finding: FindingRecord, run_id: int | None, account: Account | None) -> Stored:
    """What the scan RUN_ID (or the account's posts) stored about FINDING's target. The
    evidence's own excerpt comes first; an older row without one reads the stored hit."""
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    kind = finding.target_kind
    if kind in ("page_text", "account") and finding.code.startswith("TXT"):
        if account is not None:
            post = (
                Post.objects.filter(account=account, url=finding.target_id)
                .only("pk", "title", "url", "published_at", "text_hits")
                .first()
            )
            found = Stored(post=post)
            if post is not None and "excerpt" not in evidence:
                found.excerpt = _hit_excerpt(post.text_hits, finding)
            return found
        if run_id is not None and "excerpt" not in evidence:
            hits = ScanRun.objects.filter(pk=run_id).values_list("text_hits", flat=True).first()
            return Stored(excerpt=_hit_excerpt(hits, finding))
        return Stored()
    if run_id is None:
        return Stored()
    if kind == "link" or finding.code.startswith("LNK"):
        link = LinkProblem.objects.filter(run_id=run_id, url=finding.target_id).first()
        return Stored(link=link)
    names = _column_names(evidence)
    if kind == "column" or names:
        snapshots = ColumnSnapshot.objects.filter(run_id=run_id).filter(
            Q(name__in=names) | Q(url=finding.target_id)
        )
        shown = snapshots.order_by("name")[:SNAPSHOT_COLUMNS]
        return Stored(columns=[{"snap": s, "items": snapshot_items(s)} for s in shown])
    if kind == "home_page":
        run = ScanRun.objects.filter(pk=run_id).defer("facts", "failures", "text_hits").first()
        return Stored(home=run)
    return Stored()


def snapshot_items(snapshot: ColumnSnapshot) -> list[dict[str, Any]]:
    """A snapshot's first list items as (title, url, date) rows for the page."""
    rows = []
    for entry in snapshot.items[:SNAPSHOT_ITEMS]:
        if isinstance(entry, list | tuple) and len(entry) >= 3:  # 4th: the date's source
            title, url, day = entry[:3]
            rows.append({"title": title, "url": url, "date": day})
    return rows


# --- History -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One row of a finding's history, whatever table it comes from."""

    at: datetime
    kind: str  # 检查, 扫描, 认定, 审核, 下发
    text: str
    who: str = ""
    href: str = ""
    current: bool = False


def day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _who(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def finding_history(
    scope: Scope,
    *,
    site: Site | None,
    account: Account | None,
    code: str,
    target_id: str,
    fingerprint: str,
    current: tuple[str, int],
) -> list[Event]:
    """The same problem (same fingerprint; code and target for rows kept without one) on the
    same site or account, across scans and inspection periods, with the decisions taken on
    it and the problem list items it became: one list, newest first. CURRENT is the row the
    page shows, ("inspection" | "scan", pk)."""
    same = Q(fingerprint=fingerprint) if fingerprint else Q(code=code, target_id=target_id)
    events: list[Event] = []
    inspected = (
        findings_visible(scope)
        .filter(same)
        .filter(Q(result__site=site) if site else Q(result__account=account))
        .select_related("result__inspection")
        .order_by("-result__inspection__created_at", "-pk")[:HISTORY_LIMIT]
    )
    finding_ids = []
    for row in inspected:
        finding_ids.append(row.pk)
        inspection = row.result.inspection
        events.append(
            Event(
                at=inspection.created_at,
                kind="检查",
                text=f"{inspection.period} 检查：{SEVERITY_ZH.get(row.severity, row.severity)}，"
                f"{FINDING_STATE_ZH.get(row.state, row.state)}",
                href=reverse("work-finding", args=[row.pk]),
                current=current == ("inspection", row.pk),
            )
        )
    if site is not None:
        scanned = (
            scan_findings_visible(scope)
            .filter(same, run__site=site)
            .select_related("run")
            .defer("run__facts", "run__failures", "run__text_hits", "run__stats")
            .order_by("-run__finished_at", "-pk")[:HISTORY_LIMIT]
        )
        for row in scanned:
            events.append(
                Event(
                    at=row.run.finished_at,
                    kind="扫描",
                    text=f"{day_zh(row.run.scan_date)} {row.run.get_kind_display()}发现："
                    f"{SEVERITY_ZH.get(row.severity, row.severity)}",
                    href=reverse("work-scan-finding", args=[row.pk]),
                    current=current == ("scan", row.pk),
                )
            )
    decisions = FindingDecision.objects.filter(same).filter(
        Q(site=site) if site else Q(account=account)
    )
    for decision in decisions.select_related("user").order_by("-decided_at", "-pk")[:HISTORY_LIMIT]:
        events.append(
            Event(
                at=decision.decided_at,
                kind="认定",
                text=f"{decision.period} 认定为{decision.get_state_display()}：{decision.reason}",
                who=_who(decision.user),
            )
        )
    audits = AuditEntry.objects.filter(finding_id__in=finding_ids).select_related("user")
    for entry in audits.order_by("-at", "-pk")[:HISTORY_LIMIT]:
        before = FINDING_STATE_ZH.get(entry.state_before, entry.state_before or "—")
        verdicts = (
            f"（结论 {VERDICT_ZH.get(entry.verdict_before, entry.verdict_before)} → "
            f"{VERDICT_ZH.get(entry.verdict_after, entry.verdict_after)}）"
        )
        events.append(
            Event(
                at=entry.at,
                kind="审核",
                text=f"{before} → {entry.get_action_display()}：{entry.reason}{verdicts}",
                who=_who(entry.user),
            )
        )
    items = (
        problem_items_visible(scope)
        .filter(same)
        .filter(Q(site=site) if site else Q(account=account))
        .select_related("problem_list__unit")
        .order_by("-problem_list__sent_at", "-pk")[:HISTORY_LIMIT]
    )
    for item in items:
        problem_list = item.problem_list
        events.append(
            Event(
                at=problem_list.sent_at,
                kind="下发",
                text=f"下发至{problem_list.unit.name}（{problem_list.period}问题清单），"
                f"当前{ITEM_STATE_ZH.get(item.state, item.state)}",
                href=reverse("work-item", args=[item.pk]),
            )
        )
    # Newest first; at the same moment, the later step of the loop first.
    order = {"检查": 0, "扫描": 0, "认定": 1, "审核": 2, "下发": 3}
    events.sort(key=lambda e: (e.at, order[e.kind]), reverse=True)
    return events
