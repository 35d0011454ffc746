"""The supervisor side (/supervise/): inspections and their findings, sending problem lists,
following and closing the lists' items, and the 办结率 table.

Readers open every page here with the forms left out; the POST views refuse them (403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, overload
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from govwatch.engine.labels import FINDING_STATE_ZH
from govwatch.web.dashboard.services import dashboard_verdicts_refresh
from govwatch.web.inspections.models import (
    PROBLEMS,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from govwatch.web.inspections.services import finding_decide
from govwatch.web.tickets.models import DONE, ProblemItem
from govwatch.web.tickets.selectors import (
    completion_rate_format,
    completion_total,
    problem_completion_by_unit,
    problem_completion_rows,
)
from govwatch.web.tickets.services import (
    SENT_SEVERITIES,
    TRANSITIONS,
    inspection_findings_to_send,
    problem_item_appeal_decide,
    problem_item_close,
    problem_item_reopen,
    problem_lists_send,
)
from govwatch.web.users.selectors import (
    Scope,
    findings_visible,
    get_visible,
    inspections_visible,
    problem_items_visible,
    problem_lists_visible,
    results_visible,
)
from govwatch.web.workspace.exports import wants_xlsx
from govwatch.web.workspace.views import list_exports as exports
from govwatch.web.workspace.views.access import (
    PER_PAGE,
    paginate,
    supervisor_action,
    supervisor_page,
)
from govwatch.web.workspace.views.lists import (
    item_action,
    item_context,
    list_context,
    lists_with_counts,
    with_days_left,
)

# Used when a supervisor confirms without writing a reason: confirming needs no argument
# (the finding speaks for itself), but the audit trail must never hold an empty reason.
DEFAULT_CONFIRM_REASON = "监管人员确认"

# The list filter of /supervise/lists/: what a supervisor asks ("which are not done yet?").
LIST_FILTERS = {"open": "办理中", "closed": "已全部办结", "overdue": "有逾期条目"}


def _sent_items() -> Exists:
    """A finding is sent once an item of a list of its own inspection carries it (the
    rule inspection_findings_to_send applies)."""
    return Exists(
        ProblemItem.objects.filter(
            finding=OuterRef("pk"), problem_list__inspection=OuterRef("result__inspection")
        )
    )


# Counted with the states, in one pass over an inspection's problems: the confirmed ones of
# the sent severities that no list of their inspection carries yet (what 下发 would send).
def _unsent() -> Count:
    return Count(
        "pk", filter=Q(state="confirmed", severity__in=SENT_SEVERITIES) & ~Q(_sent_items())
    )


def _problem_counts(problems: QuerySet[Any]) -> tuple[dict[str, int], int]:
    """PROBLEMS counted by state, and how many of them wait to be sent."""
    by_state, unsent = {}, 0
    for state, n, waiting in (
        problems.order_by().values_list("state").annotate(n=Count("pk"), unsent=_unsent())
    ):
        by_state[state], unsent = n, unsent + waiting
    return by_state, unsent


def _inspection_rows(scope: Scope, inspections: Iterable[Inspection]) -> list[dict[str, Any]]:
    """Each inspection with its counts in SCOPE: results, problems to confirm, to send."""
    inspections = list(inspections)
    ids = [inspection.pk for inspection in inspections]
    results = dict(
        results_visible(scope)
        .filter(inspection__in=ids)
        .order_by()
        .values_list("inspection")
        .annotate(n=Count("pk"))
    )
    problems = findings_visible(scope).filter(result__inspection__in=ids, severity__in=PROBLEMS)
    open_: dict[int, int] = {}
    unsent: dict[int, int] = {}
    counted = (
        problems.order_by()
        .values_list("result__inspection")
        .annotate(open=Count("pk", filter=Q(state="open")), unsent=_unsent())
    )
    for inspection_id, n_open, n_unsent in counted:
        open_[inspection_id], unsent[inspection_id] = n_open, n_unsent
    return [
        {
            "inspection": inspection,
            "results": results.get(inspection.pk, 0),
            "open": open_.get(inspection.pk, 0),
            "unsent": unsent.get(inspection.pk, 0),
        }
        for inspection in inspections
    ]


@supervisor_page
def work_inspections(request: HttpRequest, scope: Scope) -> HttpResponse:
    inspections = inspections_visible(scope).order_by("-created_at", "-pk")
    if wants_xlsx(request):
        return exports.inspections_export(
            _inspection_rows(scope, inspections.select_related("region"))
        )
    page = paginate(request, inspections, per_page=20)
    rows = _inspection_rows(scope, page)
    items = problem_items_visible(scope).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(state__in=DONE)),
        overdue=Count("pk", filter=Q(state="overdue")),
        # What waits on a supervisor: a submission to close or send back, an appeal.
        waiting=Count("pk", filter=Q(state__in=("submitted", "rechecking", "appealed"))),
    )
    summary = {"lists": problem_lists_visible(scope).count(), **items}
    return render(
        request, "workspace/supervise/home.html", {"page": page, "rows": rows, "summary": summary}
    )


class _Keyed(Sequence[Any]):
    """IDS (a queryset of ids, in the page's order) read a page at a time in two steps:
    the page's ids (a sort of narrow index entries), then those rows by id with FETCH.
    Sorted whole, every row's JSON (items, evidence) went through a sort of 100,000 rows
    to keep 50; and filtered again by scope, SQLite would join the whole inspection."""

    def __init__(
        self, ids: QuerySet[Any], count: int, fetch: Callable[[list[int]], QuerySet[Any]]
    ) -> None:
        self.ids, self.size, self.fetch = ids, count, fetch

    def __len__(self) -> int:
        return self.size

    def count(self) -> int:  # what Paginator asks; already counted by the page
        return self.size

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = list(self.ids[index])
        found = {row.pk: row for row in self.fetch(ids)}
        return [found[pk] for pk in ids if pk in found]


def _counted_page(request: HttpRequest, rows: _Keyed, param: str) -> Page:
    """A page of ROWS, whose size the page already counted (its grouped counts): the
    paginator's COUNT(*) would read the 100,000 rows a second time."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(param))


# The pages list results and findings in the inspection's own order (its rows are written
# site by site in 网站标识码 order, then account by account in platform and name order), an
# index's order: sorting 120,000 joined rows by code and name on every request missed the
# page budget (bench/workspace_bench.py). The Excel exports keep sorting by code and name.
# Verdicts descending: 不合格 (unqualified), then 无法判定 (unknown), then 合格 — what a
# supervisor reads first (the index serves either direction).
RESULTS_ORDER = ("-verdict", "pk")
FINDINGS_ORDER = ("result_id", "code", "pk")


@supervisor_page
def work_inspection(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    inspection = get_visible(inspections_visible(scope), pk=pk)
    results = results_visible(scope).filter(inspection=inspection).select_related("site", "account")
    problems = findings_visible(scope).filter(result__inspection=inspection, severity__in=PROBLEMS)
    state = request.GET.get("state", "")
    if state not in FINDING_STATE_ZH:
        state = ""
    shown = (
        (problems.filter(state=state) if state else problems)
        .select_related("result__site", "result__account")
        .annotate(sent=_sent_items())
    )
    if wants_xlsx(request):
        if request.GET.get("table") == "results":
            return exports.results_export(
                inspection, results.order_by("verdict", "site__site_code", "account__name", "pk")
            )
        return exports.findings_export(
            inspection,
            shown.order_by(
                "result__site__site_code", "result__account__name", "result_id", "code", "pk"
            ),
            state,
        )
    verdicts = dict(results.order_by().values_list("verdict").annotate(n=Count("pk")))
    by_state, to_send = _problem_counts(problems)
    problems_total = sum(by_state.values())
    findings = _counted_page(
        request,
        _Keyed(
            shown.order_by(*FINDINGS_ORDER).values_list("pk", flat=True),
            by_state.get(state, 0) if state else problems_total,
            # The ids are the scope's already: read by id, with the same columns.
            lambda ids: (
                InspectionFinding.objects.filter(pk__in=ids)
                .select_related("result__site", "result__account")
                .annotate(sent=_sent_items())
            ),
        ),
        "page",
    )
    context = {
        "inspection": inspection,
        "results": _counted_page(
            request,
            _Keyed(
                results.order_by(*RESULTS_ORDER).values_list("pk", flat=True),
                sum(verdicts.values()),
                lambda ids: InspectionResult.objects.filter(pk__in=ids).select_related(
                    "site", "account"
                ),
            ),
            "rpage",
        ),
        "verdicts": verdicts,
        "findings": findings,
        "state": state,
        "states": [(key, label, by_state.get(key, 0)) for key, label in FINDING_STATE_ZH.items()],
        "problems_total": problems_total,
        "to_send": to_send,
        "can_decide": scope.can_decide,
    }
    return render(request, "workspace/supervise/inspection.html", context)


def _back_to_findings(request: HttpRequest, finding: InspectionFinding) -> str:
    """The findings page the form was on (its filter and page), at the finding decided."""
    query = {}
    if request.POST.get("state") in FINDING_STATE_ZH:
        query["state"] = request.POST["state"]
    if request.POST.get("page", "").isdigit():
        query["page"] = request.POST["page"]
    url = reverse("work-inspection", args=[finding.result.inspection_id])
    return (
        f"{url}?{urlencode(query)}#finding-{finding.pk}" if query else f"{url}#finding-{finding.pk}"
    )


@supervisor_action
def work_finding_decide(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    finding = get_visible(findings_visible(scope).select_related("result"), pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()
    already_sent = ProblemItem.objects.filter(
        finding=finding, problem_list__inspection=finding.result.inspection_id
    ).exists()
    if action not in ("confirmed", "dismissed"):
        messages.error(request, "未知操作，请点击“确认问题”或“排除问题”")
    elif already_sent:
        # Its item is the unit's now: an error there is settled by an appeal, not here.
        messages.error(request, "该问题已下发至问题清单，请在清单条目中办理（申诉审核）")
    elif action == "dismissed" and not reason:
        messages.error(request, "排除问题必须填写理由")
    else:
        try:
            finding_decide(finding, action, reason or DEFAULT_CONFIRM_REASON, request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            _verdicts_changed(finding.result.inspection_id)
            done = "已确认该问题" if action == "confirmed" else "已排除该问题"
            messages.success(request, f"{done}：{finding.code} {finding.message[:40]}")
    return redirect(_back_to_findings(request, finding))


def _verdicts_changed(inspection_id: int) -> None:
    """A decision may change its result's verdict: the overview's counts of that inspection
    are counted again now (two grouped reads of its results), not at the next refresh."""
    dashboard_verdicts_refresh([inspection_id])


@supervisor_action
def work_send(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    inspection: Inspection = get_visible(inspections_visible(scope), pk=pk)
    # Only the findings in this supervisor's region: the inspection may cover others, and
    # their supervisors send their own (the rule findings_visible applies).
    chosen = [
        finding
        for finding in inspection_findings_to_send(inspection)
        if scope.sees_unit(
            finding.result.site.operating_unit_id
            if finding.result.site_id
            else finding.result.account.opening_unit_id
        )
    ]
    if not chosen:
        messages.info(request, "没有待下发的已确认问题")
        return redirect("work-inspection", pk=inspection.pk)
    try:
        lists = problem_lists_send(inspection, user=request.user, findings=chosen)
    except ValueError as exc:  # TicketError, or a profile or calendar that cannot be read
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已向 {len(lists)} 个单位下发问题清单，共 {len(chosen)} 条问题")
    return redirect("work-inspection", pk=inspection.pk)


@supervisor_page
def work_lists(request: HttpRequest, scope: Scope) -> HttpResponse:
    lists = lists_with_counts(problem_lists_visible(scope).select_related("unit", "inspection"))
    state = request.GET.get("state", "")
    if state == "open":
        lists = lists.filter(closed__lt=F("total"))
    elif state == "closed":
        lists = lists.filter(closed=F("total"), total__gt=0)
    elif state == "overdue":
        lists = lists.filter(overdue__gt=0)
    else:
        state = ""
    lists = lists.order_by("-sent_at", "unit__name", "pk")
    if wants_xlsx(request):
        return exports.lists_export(lists)
    page = paginate(request, lists)
    context = {
        "page": page,
        "rows": with_days_left(page),
        "state": state,
        "filters": list(LIST_FILTERS.items()),
    }
    return render(request, "workspace/supervise/lists.html", context)


@supervisor_page
def work_list(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    problem_list = get_visible(
        problem_lists_visible(scope).select_related("unit", "inspection", "sent_by"), pk=pk
    )
    context = list_context(problem_list)
    if wants_xlsx(request):
        return exports.items_export(problem_list, context["items"])
    return render(request, "workspace/supervise/list.html", context)


@supervisor_page
def work_item(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    item = get_visible(problem_items_visible(scope), pk=pk)
    context = item_context(item)
    decide = scope.can_decide
    context.update(
        can_close=decide and item.state in TRANSITIONS["close"][0],
        can_reopen=decide and item.state in TRANSITIONS["reopen"][0],
        can_decide_appeal=decide and item.state == "appealed",
    )
    return render(request, "workspace/supervise/item.html", context)


@supervisor_action
def work_item_close(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return item_action(
        request,
        scope,
        pk,
        lambda item: problem_item_close(item, request.user, note),
        "条目已办结",
        "work-item",
    )


@supervisor_action
def work_item_reopen(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return item_action(
        request,
        scope,
        pk,
        lambda item: problem_item_reopen(item, request.user, note),
        "已退回单位重新整改",
        "work-item",
    )


def _appeal_decide(item: ProblemItem, user: Any, accept: bool, reason: str) -> None:
    problem_item_appeal_decide(item, user, accept, reason)
    if accept:  # the finding is dismissed: its result's verdict may change
        _verdicts_changed(item.problem_list.inspection_id)


@supervisor_action
def work_item_appeal_decide(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    accept = request.POST.get("accept")
    if accept not in ("0", "1"):
        item = get_visible(problem_items_visible(scope), pk=pk)  # 404 before anything else
        messages.error(request, "请选择“申诉成立”或“驳回申诉”")
        return redirect("work-item", pk=item.pk)
    reason = request.POST.get("reason", "")
    return item_action(
        request,
        scope,
        pk,
        lambda item: _appeal_decide(item, request.user, accept == "1", reason),
        "申诉成立，条目已办结" if accept == "1" else "申诉已驳回，单位需继续整改",
        "work-item",
    )


# --- 办结率 ------------------------------------------------------------------------


@supervisor_page
def work_stats(request: HttpRequest, scope: Scope) -> HttpResponse:
    """问题清单办理情况 in scope: per region (the bulletin's 附件3 rows, same selector, same
    rate format) with its 合计, then per responsible unit; all periods or one."""
    periods = list(
        problem_lists_visible(scope).order_by("-period").values_list("period", flat=True).distinct()
    )
    period = request.GET.get("period", "")
    if period not in periods:
        period = ""
    rows = problem_completion_rows(period or None, scope=scope)
    total = completion_total(rows, completion_rate_format(period or None)) if rows else None
    units = problem_completion_by_unit(period or None, scope=scope)
    if wants_xlsx(request):
        by_unit = request.GET.get("table") == "units"
        return exports.completion_export(units if by_unit else rows, total, period, by_unit)
    context = {
        "rows": rows,
        "total": total,
        "units": units,
        "periods": periods,
        "period": period,
    }
    return render(request, "workspace/supervise/stats.html", context)
