"""The supervisor's overview (总览): a node of the region tree with its figures, its
children (regions, then departments), the trend across inspections, the failing list with
reasons, and the wall display (大屏) that refreshes itself.

A supervisor's home is its own unit; an administrator's is everything. Each region opens
the same page one level down (work-region), each department its unit page (work-unit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from govwatch.web.dashboard.selectors import Overview, failing_results, region_overview
from govwatch.web.dashboard.services import dashboard_ensure, dashboard_refresh
from govwatch.web.inspections.models import Inspection
from govwatch.web.registry.models import Unit
from govwatch.web.users.selectors import Scope, get_visible, units_visible
from govwatch.web.workspace.exports import wants_xlsx, xlsx_response
from govwatch.web.workspace.views.access import paginate, supervisor_action, supervisor_page

FAILING_PER_PAGE = 20
WALL_ATTENTION = 8
CHILDREN_PER_PAGE = 50  # a province has 10–20 cities; its departments page on


def inspection_asked(request: HttpRequest) -> Inspection | None:
    """The inspection asked for (?inspection=pk), else the newest (None: there is none)."""
    wanted = request.GET.get("inspection", "")
    if wanted.isdigit():
        found = Inspection.objects.filter(pk=int(wanted)).first()
        if found is not None:
            return found
    return Inspection.objects.order_by("-created_at", "-pk").first()


def _charts(overview: Overview) -> dict[str, Any]:
    """What the page's charts draw (handed over as JSON, never as inline script)."""
    return {
        "children": [
            {
                "name": node.unit.name,
                "sites": node.figures.pass_value("sites"),
                "accounts": node.figures.pass_value("accounts"),
                "unqualified": node.figures.unqualified,
                "open": node.figures.open_problems,
            }
            for node in overview.children
            # Only children with something judged: a bar of nothing is no information.
            if node.figures.pass_value("sites") is not None
            or node.figures.pass_value("accounts") is not None
        ][:30],
        "trend": overview.trend,
        "updates": [
            {"days": days, "sites": sites, "accounts": accounts}
            for days, sites, accounts in overview.figures.update_windows
        ],
        "verdicts": {
            "qualified": overview.figures.now["sites_qualified"]
            + overview.figures.now["accounts_qualified"],
            "unqualified": overview.figures.unqualified,
            "unknown": overview.figures.unknown,
        },
    }


CHILD_COLUMNS = [
    ("名称", 30), "类型", "网站", "账号", "网站合格率", "上期网站合格率", "新媒体合格率",
    "不合格", "无法判定", "待整改问题", "已逾期", "首页可用率（近7日）", "首页不可用链接",
    "栏目未按时更新", "空白栏目", "近7日更新", "近30日更新",
]  # fmt: skip
FAILING_COLUMNS = [("对象", 30), "类型", ("单位", 30), "得分", ("不合格原因", 60)]


def _export(overview: Overview, table: str) -> HttpResponse:
    """The overview's children table or its failing list, every row, as xlsx."""
    where = overview.node.name if overview.node else "全部地区"
    period = overview.inspection.period if overview.inspection else ""
    if table == "failing":
        rows = (
            (
                r.site.name if r.site_id else r.account.name,
                "网站" if r.site_id else r.account.get_platform_display(),
                r.site.operating_unit.name if r.site_id else r.account.opening_unit.name,
                r.score,
                r.reason,
            )
            for r in failing_results(overview).iterator(chunk_size=2000)
        )
        title = f"{where}{period}不合格名单"
        return xlsx_response(f"{title}.xlsx", title, FAILING_COLUMNS, rows)
    rows = (
        (
            n.unit.name,
            "地区" if n.is_region else "部门",
            n.figures.activity["sites"],
            n.figures.activity["accounts"],
            n.figures.pass_rate(),
            n.figures.pass_rate_before(),
            n.figures.pass_rate("accounts"),
            n.figures.unqualified,
            n.figures.unknown,
            n.figures.open_problems,
            n.figures.overdue,
            n.figures.availability,
            n.figures.activity["home_dead_links"],
            n.figures.activity["stale_columns"],
            n.figures.activity["blank_columns"],
            n.figures.updates(7),
            n.figures.updates(30),
        )
        for n in overview.children
    )
    title = f"{where}{period}下级地区与部门"
    return xlsx_response(f"{title}.xlsx", title, CHILD_COLUMNS, rows)


def _overview_page(request: HttpRequest, scope: Scope, node: Unit | None) -> HttpResponse:
    inspection = inspection_asked(request)
    dashboard_ensure(inspection)
    overview = region_overview(scope, node, inspection)
    if wants_xlsx(request):
        return _export(overview, request.GET.get("table", ""))
    failing = paginate(request, failing_results(overview), per_page=FAILING_PER_PAGE)
    context = {
        "o": overview,
        "f": overview.figures,
        "children": paginate(request, overview.children, param="cpage", per_page=CHILDREN_PER_PAGE),
        "failing": failing,
        "charts": _charts(overview),
        "can_refresh": scope.can_decide,
        "here": request.path,
    }
    return render(request, "workspace/supervise/dashboard.html", context)


def _home_node(scope: Scope) -> Unit | None:
    if scope.everything:
        return None
    return Unit.objects.filter(pk=scope.unit_id).first()


@supervisor_page
def work_dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _overview_page(request, scope, _home_node(scope))


@supervisor_page
def work_region(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    node = get_visible(units_visible(scope), pk=pk)
    return _overview_page(request, scope, node)


@supervisor_action
def work_dashboard_refresh(request: HttpRequest, scope: Scope) -> HttpResponse:
    stats = dashboard_refresh()
    messages.success(request, f"统计已刷新：{stats.units} 个单位，用时 {stats.seconds:.1f} 秒")
    back = request.POST.get("next", "")
    # Only a path of this site (never an address elsewhere) is followed back.
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("work-home")
    return redirect(back)


def _wall_data(overview: Overview) -> dict[str, Any]:
    f = overview.figures
    return {
        "title": overview.node.name if overview.node else "全部地区",
        "period": overview.inspection.period if overview.inspection else "",
        "as_of": f"{timezone.localtime(overview.as_of):%Y-%m-%d %H:%M}" if overview.as_of else "",
        "kpi": {
            "sites": f.activity["sites"],
            "accounts": f.activity["accounts"],
            "site_pass_rate": f.pass_rate("sites"),
            "account_pass_rate": f.pass_rate("accounts"),
            "unqualified": f.unqualified,
            "open_problems": f.open_problems,
            "overdue": f.overdue,
            "availability": f.availability,
            "home_dead_links": f.activity["home_dead_links"],
            "stale_columns": f.activity["stale_columns"],
        },
        # The units a wall watcher should look at first: most overdue, then open problems.
        "attention": [
            {
                "name": n.unit.name,
                "unqualified": n.figures.unqualified,
                "open": n.figures.open_problems,
                "overdue": n.figures.overdue,
            }
            for n in sorted(
                overview.children,
                key=lambda n: (
                    -n.figures.overdue,
                    -n.figures.open_problems,
                    -n.figures.unqualified,
                ),
            )
            if n.figures.open_problems or n.figures.unqualified
        ][:WALL_ATTENTION],
        **_charts(overview),
    }


@supervisor_page
def work_wall(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The wall display: the home node's figures in large type; its script fetches
    ?format=json every minute and redraws, so a screen left on stays current."""
    inspection = inspection_asked(request)
    dashboard_ensure(inspection)
    overview = region_overview(scope, _home_node(scope), inspection)
    data = _wall_data(overview)
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return render(request, "workspace/supervise/wall.html", {"data": data})
