"""The unit side (/portal/): a unit operator's problem lists, signing for them, and each
item's answer, evidence files, submission and appeal.

Only the forms the item's state allows are shown; the services decide again on POST (a
stale page cannot move an item its state does not allow), and their Chinese refusal is
shown as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from govwatch.web.dashboard.selectors import failing_results, region_overview
from govwatch.web.dashboard.services import dashboard_ensure
from govwatch.web.inspections.models import Inspection
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.models import DONE, ITEM_STATE_ZH, ProblemItem
from govwatch.web.tickets.services import (
    MAX_UPLOAD_BYTES,
    TRANSITIONS,
    TicketError,
    attachment_add,
    problem_item_answer,
    problem_item_appeal,
    problem_item_submit,
    problem_list_receive,
)
from govwatch.web.users.selectors import (
    Scope,
    get_visible,
    problem_items_visible,
    problem_lists_visible,
)
from govwatch.web.workspace.exports import wants_xlsx
from govwatch.web.workspace.views import list_exports as exports
from govwatch.web.workspace.views.access import paginate, portal_action, portal_page
from govwatch.web.workspace.views.lists import (
    item_action,
    item_context,
    list_context,
    lists_with_counts,
    with_days_left,
)

TOO_BIG = f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 上限"


OWN_FAILING = 20  # a unit has a handful of sites and accounts


@portal_page
def portal_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    lists = lists_with_counts(problem_lists_visible(scope).select_related("inspection"))
    lists = lists.order_by("-sent_at", "pk")
    if wants_xlsx(request):
        return exports.lists_export(lists, with_unit=False)
    page = paginate(request, lists)
    by_state: dict[int, list[tuple[str, int]]] = {}
    counted = (
        ProblemItem.objects.filter(problem_list__in=[pl.pk for pl in page])
        .order_by("problem_list", "state")
        .values_list("problem_list", "state")
        .annotate(n=Count("pk"))
    )
    for list_id, state, n in counted:
        by_state.setdefault(list_id, []).append((ITEM_STATE_ZH[state], n))
    rows = with_days_left(page)
    for row in rows:
        row["states"] = by_state.get(row["list"].pk, [])
    context = {"page": page, "rows": rows, **_own_overview(scope)}
    return render(request, "workspace/portal/home.html", context)


def _own_overview(scope: Scope) -> dict[str, Any]:
    """本单位概况: the unit's own figures in the latest inspection (the supervisors'
    overview of a node, the unit's own scope), and its own targets that failed."""
    unit = Unit.objects.filter(pk=scope.unit_id).first()
    if unit is None:
        return {}
    inspection = Inspection.objects.order_by("-created_at", "-pk").first()
    dashboard_ensure(inspection)
    overview = region_overview(scope, unit, inspection)
    return {
        "o": overview,
        "f": overview.figures,
        "failing": list(failing_results(overview)[:OWN_FAILING]),
    }


@portal_page
def portal_list(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    problem_list = get_visible(
        problem_lists_visible(scope).select_related("inspection", "unit"), pk=pk
    )
    if wants_xlsx(request):
        # A download is not a signature: only opening the page signs for the list.
        return exports.items_export(problem_list, list_context(problem_list)["items"])
    # Opening the list is signing for it (签收): once, and again only for items a later
    # sending added to it.
    if problem_list.received_at is None or problem_list.items.filter(state="sent").exists():
        problem_list_receive(problem_list, request.user)
        messages.success(request, "已签收问题清单，请逐条整改并在期限内提交")
    context = list_context(problem_list)
    return render(request, "workspace/portal/list.html", context)


@portal_page
def portal_item(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    item = get_visible(problem_items_visible(scope), pk=pk)
    context = item_context(item)
    working = item.state in TRANSITIONS["answer"][0] or item.state in TRANSITIONS["submit"][0]
    context.update(
        can_answer=item.state in TRANSITIONS["answer"][0],
        can_upload=working and item.state not in DONE,
        can_submit=item.state in TRANSITIONS["submit"][0],
        can_appeal=item.state in TRANSITIONS["appeal"][0],
        max_upload_mb=MAX_UPLOAD_BYTES // 1024 // 1024,
    )
    return render(request, "workspace/portal/item.html", context)


@portal_action
def portal_item_answer(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    text = request.POST.get("answer", "")
    return item_action(
        request,
        scope,
        pk,
        lambda item: problem_item_answer(item, request.user, text),
        "整改情况说明已保存",
        "portal-item",
    )


@portal_action
def portal_item_submit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return item_action(
        request,
        scope,
        pk,
        lambda item: problem_item_submit(item, request.user),
        "已提交整改，系统将自动复查",
        "portal-item",
    )


@portal_action
def portal_item_appeal(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return item_action(
        request,
        scope,
        pk,
        lambda item: problem_item_appeal(item, request.user, reason),
        "申诉已提交，请等待监管人员审核",
        "portal-item",
    )


# --- Upload --------------------------------------------------------------------------


class _SizeLimit(FileUploadHandler):
    """Stops reading a file past the limit, first in the chain: Django would otherwise
    write the whole upload to a temporary file before attachment_add could refuse it."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.seen = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)  # read on, keep nothing: a page answers
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# The CSRF check reads the form, which reads the upload: the size guard must be in place
# before it, so this view is exempt from the middleware and checks CSRF itself below (the
# way Django's documentation says to change upload handlers in a view).
@csrf_exempt
@portal_action
def portal_item_upload(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    limit = _SizeLimit(request, MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _upload(request, scope, pk, limit)


@csrf_protect
def _upload(request: HttpRequest, scope: Scope, pk: int, limit: _SizeLimit) -> HttpResponse:
    item = get_visible(problem_items_visible(scope), pk=pk)
    upload = request.FILES.get("file")
    if limit.exceeded:
        messages.error(request, TOO_BIG)
    elif upload is None:
        messages.error(request, "请选择要上传的文件")
    else:
        try:
            attachment = attachment_add(item, request.user, upload.name or "", upload.chunks())
        except TicketError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已上传：{attachment.name}")
    return redirect("portal-item", pk=item.pk)
