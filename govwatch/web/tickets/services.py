"""Problem-list services: send confirmed findings to the responsible units, let the units
answer, upload and appeal, re-check what they submit, and let supervisors close.

Every state change goes through ``_move``, which checks the transition and appends the
item's ItemEvent; alerts are emitted after the transaction commits and never block it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govwatch.engine.findings import Finding
from govwatch.engine.profiles import run_checks
from govwatch.engine.workdays import WorkCalendar, china_date
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.config.engine import check_context, profile_load
from govwatch.web.inspections.models import Inspection, InspectionFinding
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.tickets.models import (
    DONE,
    ITEM_STATE_ZH,
    OWING,
    Attachment,
    ItemEvent,
    ProblemItem,
    ProblemList,
)

log = logging.getLogger("govwatch.tickets")

# The findings a problem list carries: what a bulletin lists (unknowns are not problems).
SENT_SEVERITIES = ("veto", "deduction", "warning")

# Which action may move an item from which state.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "receive": (("sent",), "received"),
    "answer": (("sent", "received", "rectifying", "appeal_rejected", "overdue"), "rectifying"),
    "submit": (("received", "rectifying", "appeal_rejected", "overdue", "sent"), "submitted"),
    "recheck_start": (("submitted",), "rechecking"),
    "recheck_failed": (("rechecking",), "rectifying"),
    "close": (("submitted", "rechecking", "rectifying", "overdue", "received", "sent"), "closed"),
    "reopen": (("submitted", "rechecking"), "rectifying"),
    "appeal": (("sent", "received", "rectifying", "overdue"), "appealed"),
    "appeal_accept": (("appealed",), "appeal_accepted"),
    "appeal_reject": (("appealed",), "appeal_rejected"),
    "overdue": (OWING, "overdue"),
}
ACTION_ZH = {
    "send": "下发",
    "receive": "签收",
    "answer": "填写整改情况",
    "upload": "上传整改材料",
    "submit": "提交整改",
    "recheck_start": "开始自动复查",
    "recheck_passed": "自动复查通过",
    "recheck_failed": "自动复查未通过",
    "recheck_error": "自动复查失败",
    "close": "办结",
    "reopen": "退回重新整改",
    "appeal": "申诉",
    "appeal_accept": "申诉成立",
    "appeal_reject": "申诉驳回",
    "overdue": "逾期",
    "remind": "到期提醒",
    "escalate": "逾期升级",
}


class TicketError(ValueError):
    """An action the item's state or the input does not allow; the message is Chinese."""


def _emit(event: str, **context: Any) -> None:
    """Hand an alert to the alerts app once the transaction commits; never raises."""

    def send() -> None:
        try:
            from govwatch.web.alerts.services import alert_emit

            alert_emit(event, **context)
        except Exception:  # an alert never blocks the workflow: it is retried there
            log.exception("提醒发送登记失败：%s", event)

    transaction.on_commit(send)


def _move(item: ProblemItem, action: str, user: Any, note: str = "") -> None:
    allowed, after = TRANSITIONS[action]
    if item.state not in allowed:
        raise TicketError(f"条目当前状态为“{ITEM_STATE_ZH[item.state]}”，不能{ACTION_ZH[action]}")
    _event(item, action, after, user, note)


def _event(item: ProblemItem, action: str, after: str, user: Any, note: str = "") -> None:
    before = item.state
    item.state = after
    item.save()
    ItemEvent.objects.create(
        item=item,
        action=action,
        state_before=before,
        state_after=after,
        note=note,
        user=user if getattr(user, "pk", None) else None,
    )


# --- Sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsible:
    unit: Unit
    subject: str  # site, column, account
    site: Site | None
    column: Column | None
    account: Account | None


def _column_of(site: Site, finding: InspectionFinding) -> Column | None:
    named = str((finding.evidence or {}).get("column") or "")
    return (
        site.columns.filter(Q(url=finding.target_id) | Q(name=finding.target_id) | Q(name=named))
        .prefetch_related("responsible_units")
        .first()
    )


def responsible_for(finding: InspectionFinding) -> Responsible:
    """Who answers for a finding: an account's 开设主体; a column's 保障单位 (its first
    registered one), else the site's; a site's 主办单位."""
    result = finding.result
    if result.account_id:
        account = result.account
        assert account is not None
        return Responsible(account.opening_unit, "account", None, None, account)
    site = result.site
    assert site is not None
    if finding.target_kind == "column":
        column = _column_of(site, finding)
        units = list(column.responsible_units.order_by("name")) if column else []
        return Responsible(units[0] if units else site.operating_unit, "column", site, column, None)
    return Responsible(site.operating_unit, "site", site, None, None)


def dispatch_calendar() -> WorkCalendar:
    """The product's calendar, provisional past its last arranged year: a list sent in
    December still gets a January deadline (Monday to Friday), said in the list's note."""
    return dataclasses.replace(work_calendar_load(), provisional=True)


def deadline_for(sent: dt.date, inspection: Inspection) -> dt.date:
    days = profile_load(inspection.profile).dispatch.deadline_working_days
    return dispatch_calendar().add_working_days(sent, days)


def deadline_note(sent: dt.date, deadline: dt.date) -> str:
    """What the list says when its deadline was counted without an official arrangement."""
    years = dispatch_calendar().uncovered_years(sent, deadline)
    if not years:
        return ""
    named = "、".join(f"{y}年" for y in years)
    return f"整改期限按周一至周五推算（{named}节假日安排尚未录入），录入后以实际工作日为准"


@transaction.atomic
def problem_lists_send(
    inspection: Inspection,
    *,
    user: Any = None,
    findings: Iterable[InspectionFinding] | None = None,
    today: dt.date | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> list[ProblemList]:
    """Send the inspection's confirmed findings (or FINDINGS, which must be confirmed) not
    yet on a list, one list per responsible unit. Sending again adds only the new ones."""
    chosen = (
        inspection_findings_to_send(inspection)
        if findings is None
        else [f for f in findings if f.state == "confirmed"]
    )
    # An inspection run again for the same period finds the same problems again: they are
    # on the period's lists already, and the unit answers them there, once.
    sent = _sent_in_period(inspection.period)
    chosen = [f for f in chosen if _key(f) not in sent]
    sent_day = today or china_date(timezone.now())
    due = deadline or deadline_for(sent_day, inspection)
    provisional = "" if deadline else deadline_note(sent_day, due)
    by_unit: dict[int, tuple[Unit, list[tuple[InspectionFinding, Responsible]]]] = {}
    for finding in chosen:
        who = responsible_for(finding)
        by_unit.setdefault(who.unit.pk, (who.unit, []))[1].append((finding, who))
    lists = []
    for unit, entries in by_unit.values():
        problem_list, _created = ProblemList.objects.get_or_create(
            unit=unit,
            inspection=inspection,
            defaults={
                "period": inspection.period,
                "sent_at": timezone.now(),
                "sent_by": user if getattr(user, "pk", None) else None,
                "deadline": due,
                "deadline_note": provisional,
                "note": note,
            },
        )
        for finding, who in entries:
            _item_create(problem_list, finding, who, user)
        lists.append(problem_list)
        _emit("problem_list_sent", unit=unit, problem_list=problem_list, count=len(entries))
    return lists


def _key(finding: InspectionFinding) -> tuple[str, int | None, int | None]:
    return finding.fingerprint, finding.result.site_id, finding.result.account_id


def _sent_in_period(period: str) -> set[tuple[str, int | None, int | None]]:
    """(fingerprint, site, account) of every problem already sent for PERIOD."""
    rows = ProblemItem.objects.filter(problem_list__period=period).values_list(
        "fingerprint", "site_id", "account_id"
    )
    return set(rows)


def inspection_findings_to_send(inspection: Inspection) -> list[InspectionFinding]:
    return list(
        InspectionFinding.objects.filter(
            result__inspection=inspection, state="confirmed", severity__in=SENT_SEVERITIES
        )
        .exclude(problem_items__problem_list__inspection=inspection)
        .select_related("result__site__operating_unit", "result__account__opening_unit")
        .order_by("result_id", "pk")
    )


def _item_create(
    problem_list: ProblemList, finding: InspectionFinding, who: Responsible, user: Any
) -> ProblemItem:
    from govwatch.engine.checks import registry

    earlier = ProblemItem.objects.filter(fingerprint=finding.fingerprint).exclude(
        problem_list=problem_list
    )
    earlier = earlier.filter(account=who.account) if who.account else earlier.filter(site=who.site)
    try:
        title = registry.get(finding.code).title_zh
    except KeyError:
        title = finding.slug
    item = ProblemItem.objects.create(
        problem_list=problem_list,
        finding=finding,
        subject=who.subject,
        site=who.site,
        column=who.column,
        account=who.account,
        code=finding.code,
        title=title[:100],
        severity=finding.severity,
        target_kind=finding.target_kind,
        target_id=finding.target_id,
        message=finding.message,
        evidence=finding.evidence,
        fingerprint=finding.fingerprint,
        # Earlier periods that carried it: a period counts once however often it was sent.
        recurrence=earlier.exclude(problem_list__period=problem_list.period)
        .values("problem_list__period")
        .distinct()
        .count(),
    )
    ItemEvent.objects.create(
        item=item,
        action="send",
        state_before="sent",
        state_after="sent",
        note=f"整改期限 {problem_list.deadline:%Y年%-m月%-d日}",
        user=user if getattr(user, "pk", None) else None,
    )
    return item


# --- The unit's side -----------------------------------------------------------------


@transaction.atomic
def problem_list_receive(problem_list: ProblemList, user: Any) -> None:
    """The unit opened its list: every item still 已下发 becomes 已签收."""
    if problem_list.received_at is None:
        problem_list.received_at = timezone.now()
        problem_list.save(update_fields=["received_at"])
    for item in problem_list.items.filter(state="sent"):
        _move(item, "receive", user)


MAX_TEXT = 5000  # characters of an answer or an appeal


def _required_text(text: str, missing: str, name: str) -> str:
    """TEXT stripped; TicketError(MISSING) when empty, or when longer than MAX_TEXT."""
    text = text.strip()
    if not text:
        raise TicketError(missing)
    if len(text) > MAX_TEXT:
        raise TicketError(f"{name}不能超过 {MAX_TEXT} 字")
    return text


@transaction.atomic
def problem_item_answer(item: ProblemItem, user: Any, text: str) -> None:
    text = _required_text(text, "请填写整改情况说明", "整改情况说明")
    item.answer = text
    _move(item, "answer", user, text[:200])


@transaction.atomic
def problem_item_submit(item: ProblemItem, user: Any) -> None:
    """The unit says it has rectified: the item goes to the automatic re-check."""
    if not item.answer.strip():
        raise TicketError("提交前请先填写整改情况说明")
    item.submitted_at = timezone.now()
    _move(item, "submit", user)
    _move(item, "recheck_start", None)
    item_id = item.pk
    transaction.on_commit(lambda: recheck_start([item_id]))


@transaction.atomic
def problem_item_appeal(item: ProblemItem, user: Any, reason: str) -> None:
    reason = _required_text(reason, "申诉必须填写理由", "申诉理由")
    item.appeal_reason = reason
    _move(item, "appeal", user, reason[:500])


# --- The supervisor's side -----------------------------------------------------------


@transaction.atomic
def problem_item_close(item: ProblemItem, user: Any, note: str = "") -> None:
    """Close an item. One the re-check did not pass needs a note saying why."""
    if item.recheck != "passed" and not note.strip():
        raise TicketError("复查未通过或尚未复查的条目，办结时必须填写审核意见")
    item.decision_reason = note.strip()[:500]
    item.closed_at = timezone.now()
    _move(item, "close", user, note.strip())


@transaction.atomic
def problem_item_reopen(item: ProblemItem, user: Any, note: str) -> None:
    if not note.strip():
        raise TicketError("退回必须填写理由")
    item.decision_reason = note.strip()[:500]
    _move(item, "reopen", user, note.strip())


@transaction.atomic
def problem_item_appeal_decide(item: ProblemItem, user: Any, accept: bool, reason: str) -> None:
    """Accept (the item ends and the finding is dismissed, so the next inspection carries
    the dismissal over) or reject (the unit must rectify) an appeal, with a reason."""
    from govwatch.web.inspections.services import finding_decide

    if not reason.strip():
        raise TicketError("申诉审核必须填写理由")
    item.decision_reason = reason.strip()[:500]
    if accept:
        item.closed_at = timezone.now()
        _move(item, "appeal_accept", user, reason)
        if item.finding is not None:
            finding_decide(item.finding, "dismissed", f"申诉成立：{reason}", user)
    else:
        _move(item, "appeal_reject", user, reason)
    _emit("appeal_decided", unit=item.problem_list.unit, item=item, accepted=accept)


# --- Deadlines -----------------------------------------------------------------------


def problem_items_deadlines(today: dt.date | None = None) -> dict[str, int]:
    """The daily pass: mark overdue items, remind units two working days before the
    deadline, escalate items overdue for N working days to the supervising leader."""
    day = today or china_date(timezone.now())
    calendar = dispatch_calendar()
    counts = {"overdue": 0, "remind": 0, "escalate": 0}
    lists = ProblemList.objects.filter(items__state__in=(*OWING, "overdue")).distinct()
    for problem_list in lists.select_related("unit", "inspection"):
        dispatch = profile_load(problem_list.inspection.profile).dispatch
        owing = problem_list.items.filter(state__in=OWING)
        with transaction.atomic():
            if day > problem_list.deadline:
                late_items = list(owing)
                for item in late_items:
                    _move(item, "overdue", None, f"整改期限 {problem_list.deadline} 已过")
                counts["overdue"] += len(late_items)
                if late_items:
                    _emit("overdue", unit=problem_list.unit, problem_list=problem_list, today=day)
                late = calendar.working_days_between(problem_list.deadline, day)
                escalate = problem_list.items.filter(state="overdue", escalated_at=None)
                if late >= dispatch.escalate_after_working_days and escalate.exists():
                    counts["escalate"] += escalate.update(escalated_at=timezone.now())
                    _emit(
                        "overdue_escalated",
                        unit=problem_list.unit,
                        problem_list=problem_list,
                        today=day,
                    )
            else:
                left = calendar.working_days_between(day, problem_list.deadline)
                remind = owing.filter(reminded_at=None)
                if left <= dispatch.remind_working_days and remind.exists():
                    counts["remind"] += remind.update(reminded_at=timezone.now())
                    _emit(
                        "deadline_near",
                        unit=problem_list.unit,
                        problem_list=problem_list,
                        days_left=left,
                        today=day,
                    )
    return counts


def working_days_left(
    problem_list: ProblemList, today: dt.date | None = None, calendar: WorkCalendar | None = None
) -> int:
    """Working days until the deadline (negative once past it). A page of many lists
    passes the CALENDAR it loaded once."""
    day = today or china_date(timezone.now())
    return (calendar or dispatch_calendar()).working_days_between(day, problem_list.deadline)


# --- Re-check ------------------------------------------------------------------------


def recheck_start(item_ids: Sequence[int]) -> None:
    """Run the re-check away from the request: on a Celery worker in distributed mode,
    else on a thread of this process (the watch's daily pass picks up any it lost)."""
    if settings.GOVWATCH_RECHECK_INLINE:
        problem_items_recheck(item_ids)
        return
    if settings.CELERY_BROKER_URL:
        from govwatch.web.tickets.tasks import recheck_task

        recheck_task.delay(list(item_ids))
        return
    threading.Thread(
        target=_recheck_thread, args=(list(item_ids),), name="govwatch-recheck", daemon=True
    ).start()


def problem_items_recheck_stale(older_than: dt.timedelta = dt.timedelta(minutes=30)) -> int:
    """Re-run the re-checks a stopped process left behind: items in 复查中 whose
    submission is older than OLDER_THAN (a re-check thread dies with its web server)."""
    stale = ProblemItem.objects.filter(
        state="rechecking", submitted_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    ids = list(stale)
    if ids:
        problem_items_recheck(ids)
    return len(ids)


def _recheck_thread(item_ids: list[int]) -> None:
    from django.db import connection

    try:
        problem_items_recheck(item_ids)
    except Exception:
        log.exception("自动复查失败：%s", item_ids)
    finally:
        connection.close()


def _still_there(findings: Iterable[Finding], item: ProblemItem) -> Finding | None:
    """The re-check finds the problem again when the same indicator names the same target
    (not the same fingerprint: a column still stale with a newer date is still stale)."""
    for finding in findings:
        if (
            finding.code == item.code
            and finding.target_id == item.target_id
            and not finding.is_unknown
        ):
            return finding
    return None


def _unknown(findings: Iterable[Finding], item: ProblemItem) -> bool:
    return any(f.code == item.code and f.is_unknown for f in findings)


def problem_items_recheck(item_ids: Sequence[int], fetch: Any = None) -> dict[str, int]:
    """Re-fetch what each item is about through the one scan path (the site's crawl, the
    account's feed) and check it again: passed when the problem is gone, failed (back to
    整改中) when it is still there, error when the target could not be read."""
    items = list(
        ProblemItem.objects.filter(pk__in=item_ids, state="rechecking").select_related(
            "site", "account", "problem_list__inspection"
        )
    )
    counts = {"passed": 0, "failed": 0, "error": 0}
    by_site: dict[int, list[ProblemItem]] = {}
    by_account: dict[int, list[ProblemItem]] = {}
    for item in items:
        if item.account_id:
            by_account.setdefault(item.account_id, []).append(item)
        elif item.site_id:
            by_site.setdefault(item.site_id, []).append(item)
    for group in by_site.values():
        findings, error = _site_findings(group[0], fetch)
        for item in group:
            counts[_recheck_record(item, findings, error)] += 1
    for group in by_account.values():
        findings, error = _account_findings(group[0], fetch)
        for item in group:
            counts[_recheck_record(item, findings, error)] += 1
    return counts


def _site_findings(item: ProblemItem, fetch: Any) -> tuple[list[Finding], str]:
    from govwatch.web.scans.services import sites_scan

    assert item.site is not None
    # A scan id of its own: the site's scan of the day (same id) would resume, not fetch
    # the pages the unit just fixed again.
    now = timezone.now()
    scan_id = f"{item.site.site_code}:{china_date(now).isoformat()}:recheck-{now:%H%M%S%f}"
    try:
        [run] = sites_scan(
            [item.site],
            processes=1,
            fetch=fetch,
            profile_name=item.problem_list.inspection.profile,
            scan_id=scan_id,
        )
    except Exception as exc:  # a failed re-check is recorded, never raised at the unit
        log.exception("复查扫描失败：%s", item.site)
        return [], f"扫描失败：{exc}"[:300]
    if not run.home_fetched:
        return [], f"首页无法访问：{run.home_error}"[:300]
    return [f.to_finding() for f in run.findings.all()], ""


def _account_findings(item: ProblemItem, fetch: Any) -> tuple[list[Finding], str]:
    from govwatch.web.newmedia.selectors import account_observations
    from govwatch.web.newmedia.services import posts_fetch

    account = item.account
    assert account is not None
    try:
        if account.ingestion_source == "feed":
            posts_fetch([account], fetch=fetch)
        profile = profile_load(item.problem_list.inspection.profile)
        today = china_date(timezone.now())
        ctx = check_context(today, period_start=today - dt.timedelta(days=90))
        observed = account_observations(ctx.monitoring_point, accounts=[account])
    except Exception as exc:
        log.exception("复查采集失败：%s", account)
        return [], f"采集失败：{exc}"[:300]
    if not observed:
        return [], "该账号没有可复查的发布记录"
    return run_checks(profile, observed[0][1], ctx), ""


@transaction.atomic
def _recheck_record(item: ProblemItem, findings: list[Finding], error: str) -> str:
    item.recheck_at = timezone.now()
    if error or (_unknown(findings, item) and not _still_there(findings, item)):
        item.recheck, item.recheck_note = "error", error or "复查时无法判断该项（数据未知）"
        _event(item, "recheck_error", "submitted", None, item.recheck_note)
        return "error"
    found = _still_there(findings, item)
    if found is not None:
        item.recheck, item.recheck_note = "failed", f"问题仍然存在：{found.message_zh}"[:500]
        _move(item, "recheck_failed", None, item.recheck_note)
        _emit("recheck_failed", unit=item.problem_list.unit, item=item)
        return "failed"
    item.recheck, item.recheck_note = "passed", "复查未再发现该问题，待监管人员办结"
    _event(item, "recheck_passed", "submitted", None, item.recheck_note)
    return "passed"


# --- Evidence files ------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ITEM = 10
# Checked on the bytes, never on the name or the browser's word.
_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def attachments_dir() -> Path:
    return Path(settings.DATA_DIR) / "attachments"


def _kind_of(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in _MAGIC:
        if head.startswith(magic):
            return content_type, suffix
    return None


def _clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "材料"
    return "".join(ch for ch in base if ch.isprintable())[:200]


@transaction.atomic
def attachment_add(item: ProblemItem, user: Any, name: str, chunks: Iterable[bytes]) -> Attachment:
    """Store an uploaded screenshot (PNG, JPEG) or report (PDF) of at most 10 MB outside the
    database, named by its SHA-256; anything else is refused and nothing is kept."""
    if item.state in DONE:
        raise TicketError("条目已办结，不能再上传材料")
    if item.attachments.count() >= MAX_FILES_PER_ITEM:
        raise TicketError(f"每个条目最多上传 {MAX_FILES_PER_ITEM} 个文件")
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    partial = folder / f".upload-{threading.get_ident()}-{timezone.now().timestamp()}"
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise TicketError(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 上限")
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        kind = _kind_of(head)
        if size == 0:
            raise TicketError("文件为空")
        if kind is None:
            raise TicketError("只接受 PDF 文件（整改报告）或 PNG、JPEG 图片（截图）")
        content_type, suffix = kind
        stored = f"{digest.hexdigest()}{suffix}"
        partial.replace(folder / stored)
    finally:
        partial.unlink(missing_ok=True)
    attachment = Attachment.objects.create(
        item=item,
        name=_clean_name(name),
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        path=stored,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    ItemEvent.objects.create(
        item=item,
        action="upload",
        state_before=item.state,
        state_after=item.state,
        note=attachment.name,
        user=attachment.uploaded_by,
    )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return attachments_dir() / Path(attachment.path).name
