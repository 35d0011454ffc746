"""运行操作 (/supervise/ops/): import the registry, scan, inspect and write a bulletin from
the workspace, the same services the `govwatch` commands call, run off the request.

Supervisors and admins start operations; readers open every page here with the forms left
out and get a 403 on POST; unit operators get a 404 (supervisor_page). A supervisor works
on its own region only: its operations carry its unit, and the jobs recompute the region
from it; an admin's operation covers everything or the region it names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from govwatch.engine.periods import PeriodError, period_parse
from govwatch.engine.profiles.loader import shipped_profiles
from govwatch.web.inspections.models import Inspection
from govwatch.web.operations.models import ACTIVE, KIND_ZH, STATE_ZH, Operation
from govwatch.web.operations.selectors import operations_visible
from govwatch.web.operations.services import (
    bulletin_options,
    operation_create,
    operation_file,
    operation_start,
    operations_mark_stale,
)
from govwatch.web.registry.models import Unit
from govwatch.web.registry.services import UnitLookupError, unit_resolve
from govwatch.web.users.selectors import Scope, get_visible, sites_visible
from govwatch.web.workspace.exports import wants_xlsx, xlsx_response
from govwatch.web.workspace.views.access import paginate, supervisor_action, supervisor_page

# The scan page lists sites to tick up to this many; past it, codes are typed.
SITES_LISTED = 300
# Bulletin fields offered when bulletin_write takes them (it grows; see bulletin_options).
BULLETIN_FIELDS = [
    ("doc_number", "文号", "text", "如 格政办秘〔2024〕25号"),
    ("issue_date", "成文日期", "date", ""),
    ("issuer", "发文单位（落款）", "text", ""),
    ("contact", "联系人及电话", "text", ""),
    ("deadline", "整改报送期限", "date", ""),
]
FILE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def _region(scope: Scope) -> Unit | None:
    return None if scope.everything else Unit.objects.filter(pk=scope.unit_id).first()


def ops_context(scope: Scope, **extra: Any) -> dict[str, Any]:
    return {"can_start": scope.can_decide, "region": _region(scope), **extra}


def started_response(request: HttpRequest, operation: Operation) -> HttpResponse:
    operation_start(operation)
    messages.success(request, f"已发起{operation.kind_zh}（#{operation.pk}），可在本页查看进度")
    return redirect("work-ops-detail", pk=operation.pk)


# --- 操作记录 -------------------------------------------------------------------------


@supervisor_page
def work_ops(request: HttpRequest, scope: Scope) -> HttpResponse:
    visible = operations_visible(scope)
    operations_mark_stale(visible.filter(state__in=ACTIVE))
    shown = visible.select_related("started_by", "unit").order_by("-created_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in KIND_ZH:
        shown = shown.filter(kind=kind)
    else:
        kind = ""
    if wants_xlsx(request):
        return _ops_export(shown)
    context = ops_context(
        scope, page=paginate(request, shown), kind=kind, kinds=list(KIND_ZH.items())
    )
    return render(request, "workspace/ops/list.html", context)


def _ops_export(operations: Any) -> HttpResponse:
    columns = [
        "编号", "操作", "范围", "发起人", "状态", "进度", "说明", "发起时间", "结束时间", "错误信息",
    ]  # fmt: skip
    rows = (
        (
            op.pk,
            op.kind_zh,
            op.unit.name if op.unit_id else "全部",
            op.started_by.get_username() if op.started_by_id else "",
            op.state_zh,
            f"{op.done}/{op.total}" if op.total else "",
            op.message,
            op.created_at,
            op.finished_at,
            op.error,
        )
        for op in operations.iterator(chunk_size=2000)
    )
    return xlsx_response("操作记录.xlsx", "操作记录", columns, rows)


def operation_in_scope(scope: Scope, pk: int) -> Operation:
    operation = get_visible(operations_visible(scope).select_related("started_by", "unit"), pk=pk)
    operations_mark_stale([operation])
    return operation


@supervisor_page
def work_ops_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    operation = operation_in_scope(scope, pk)
    result = operation.result
    applied = result.get("applied_operation")
    can_apply = (
        scope.can_decide
        and operation.kind == "registry_import"
        and operation.params.get("dry_run")
        and operation.state == "done"
        and result.get("ok")
        and result.get("changed")
        and not applied
    )
    context = ops_context(
        scope,
        op=operation,
        result=result,
        can_apply=can_apply,
        applied=applied,
        inspection=(
            Inspection.objects.filter(pk=result["inspection"]).first()
            if result.get("inspection")
            else None
        ),
    )
    return render(request, "workspace/ops/detail.html", context)


@supervisor_page
def work_ops_status(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The progress the operation page polls every 2 s."""
    operation = operation_in_scope(scope, pk)
    response = JsonResponse(
        {
            "state": operation.state,
            "state_zh": STATE_ZH[operation.state],
            "active": operation.active,
            "done": operation.done,
            "total": operation.total,
            "percent": operation.percent,
            "message": operation.message,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@supervisor_page
def work_ops_file(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """A result file (the bulletin's docx, xlsx, pdf) for whoever sees the operation."""
    operation = operation_in_scope(scope, pk)
    name = request.GET.get("name", "")
    path = operation_file(operation, name)
    if path is None:
        raise Http404("文件不存在")
    response = FileResponse(path.open("rb"), content_type=FILE_TYPES.get(path.suffix, ""))
    fallback = f"operation-{operation.pk}{path.suffix}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(path.name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- 开始检测 -------------------------------------------------------------------------


@supervisor_page
def work_ops_scan(request: HttpRequest, scope: Scope) -> HttpResponse:
    sites = sites_visible(scope).select_related("operating_unit").order_by("site_code")
    count = sites.count()
    listed = list(sites[:SITES_LISTED]) if count <= SITES_LISTED else []
    running = sites.filter(status="running").count()
    context = ops_context(scope, sites=listed, site_count=count, running=running)
    return render(request, "workspace/ops/scan.html", context)


@supervisor_action
def work_ops_scan_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    visible = sites_visible(scope)
    params: dict[str, Any]
    if request.POST.get("all") == "1":
        if not visible.filter(status="running").exists():
            messages.error(request, "您的范围内没有正常运行的网站")
            return redirect("work-ops-scan")
        params = {"all": True}
        total = visible.filter(status="running").count()
    else:
        ids = {int(v) for v in request.POST.getlist("site") if v.isdigit()}
        codes = {c.strip().lower() for c in request.POST.get("codes", "").split() if c.strip()}
        picked = visible.filter(pk__in=ids) | visible.filter(site_code__in=codes)
        found = set(picked.values_list("site_code", flat=True))
        unknown = sorted(codes - found)
        if unknown:
            # Out of scope and unregistered look the same: nothing is revealed.
            messages.error(request, f"您的范围内没有这些网站标识码：{'、'.join(unknown)}")
            return redirect("work-ops-scan")
        site_ids = sorted(set(picked.values_list("pk", flat=True)))
        if not site_ids:
            messages.error(request, "请勾选要检测的网站，或选择“检测范围内全部网站”")
            return redirect("work-ops-scan")
        params, total = {"site_ids": site_ids}, len(site_ids)
    operation = operation_create(
        "scan",
        request.user,
        scope.unit_id if not scope.everything else None,
        params,
        f"等待检测 {total} 个网站",
    )
    operation.total = total
    operation.save(update_fields=["total"])
    return started_response(request, operation)


# --- 开始检查 -------------------------------------------------------------------------


def _profiles() -> list[str]:
    return shipped_profiles()


@supervisor_page
def work_ops_inspect(request: HttpRequest, scope: Scope) -> HttpResponse:
    context = ops_context(scope, profiles=_profiles(), admin=scope.everything)
    return render(request, "workspace/ops/inspect.html", context)


@supervisor_action
def work_ops_inspect_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    period = request.POST.get("period", "").strip()
    profile = request.POST.get("profile", "")
    try:
        label = period_parse(period).label
    except PeriodError as exc:
        messages.error(request, f"检查期有误：{exc}")
        return redirect("work-ops-inspect")
    if profile and profile not in _profiles():
        messages.error(request, "请选择列表中的指标方案")
        return redirect("work-ops-inspect")
    params: dict[str, Any] = {
        "period": period,
        "profile": profile,
        "user": request.user.get_username(),
    }
    unit_id = scope.unit_id
    if scope.everything:
        unit_id, params["scope"] = None, "all"
        region_name = request.POST.get("region", "").strip()
        sample = request.POST.get("sample", "").strip()
        if region_name:
            try:
                unit_id, params["scope"] = unit_resolve(region_name).pk, "region"
            except UnitLookupError as exc:
                messages.error(request, f"地区：{exc}")
                return redirect("work-ops-inspect")
        elif sample:
            if not sample.isdigit() or int(sample) < 1:
                messages.error(request, "抽查数量应为正整数")
                return redirect("work-ops-inspect")
            params.update(scope="sample", sample_size=int(sample))
            params["sample_seed"] = request.POST.get("seed", "").strip()[:40]
    else:
        params["scope"] = "region"
    operation = operation_create("inspection", request.user, unit_id, params, f"等待检查 {label}")
    return started_response(request, operation)


# --- 生成通报 -------------------------------------------------------------------------


def _bulletin_inspections(scope: Scope) -> Any:
    """Inspections a login may write a bulletin of: an admin any; a supervisor those of a
    region inside its own (a bulletin of a wider inspection names other regions' sites)."""
    inspections = Inspection.objects.select_related("region").order_by("-created_at", "-pk")
    if scope.everything:
        return inspections
    return inspections.filter(scope="region", region__in=scope.units or ())


def _bulletin_fields() -> list[tuple[str, str, str, str]]:
    accepted = bulletin_options()
    return [f for f in BULLETIN_FIELDS if "*" in accepted or f[0] in accepted]


@supervisor_page
def work_ops_bulletin(request: HttpRequest, scope: Scope) -> HttpResponse:
    inspections = list(_bulletin_inspections(scope)[:200])
    chosen = request.GET.get("inspection", "")
    context = ops_context(scope, inspections=inspections, chosen=chosen, fields=_bulletin_fields())
    return render(request, "workspace/ops/bulletin.html", context)


@supervisor_action
def work_ops_bulletin_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    inspection = get_visible(_bulletin_inspections(scope), pk=request.POST.get("inspection"))
    fields = {}
    for key, _label, kind, _hint in _bulletin_fields():
        value = request.POST.get(key, "").strip()[:200]
        if value and kind == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                messages.error(request, "成文日期应为 YYYY-MM-DD")
                return redirect("work-ops-bulletin")
        fields[key] = value
    params = {"inspection": inspection.pk, "pdf": request.POST.get("pdf") == "1", "fields": fields}
    operation = operation_create(
        "bulletin",
        request.user,
        # Seen by whoever sees the inspection's region (admins alone for a wider one).
        inspection.region_id,
        params,
        f"等待生成 {inspection.period} 通报",
    )
    return started_response(request, operation)
