"""The drill pages of the supervisor side: region → unit → site or account → finding →
evidence, each page linking up and down.

Every object comes through the scope selectors (a unit, site, account or finding outside
the login's scope is a 404, like the unit operator on any page here), and every table is
read in a fixed number of queries whatever its length: rows are paginated, and what each
row shows (its latest verdicts, its latest snapshot) is fetched for the whole page at once.
Each table's query lives in drill_rows.py, so that its 导出Excel (drill_exports.py, asked for
by ``?format=xlsx&table=``) reads exactly what the page pages through, every row of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govwatch.engine.workdays import china_date
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun
from govwatch.web.users.selectors import (
    Scope,
    accounts_visible,
    findings_visible,
    get_visible,
    sites_visible,
    units_visible,
)
from govwatch.web.workspace.exports import wants_xlsx
from govwatch.web.workspace.views import drill_rows as q
from govwatch.web.workspace.views.access import paginate, supervisor_page
from govwatch.web.workspace.views.drill_evidence import (
    Event,
    finding_history,
    rule_of,
    scan_findings_visible,
    stored_evidence,
)
from govwatch.web.workspace.views.drill_exports import (
    account_export,
    history_export,
    site_export,
    unit_export,
)
from govwatch.web.workspace.views.drill_rows import (
    PER_PAGE,
    RUN_BULK,
    availability,
    latest_verdicts,
    post_counts,
    region_of,
    site_columns,
)
from govwatch.web.workspace.views.lists import with_days_left

RECENT_POSTS = 10
RECENT_FETCHES = 5


def _export(
    request: HttpRequest, build: Callable[..., HttpResponse | None], *args: Any
) -> HttpResponse | None:
    """The ?format=xlsx&table= export of one of the page's tables; None (the page) when
    no export is asked for or the page has no such table."""
    if not wants_xlsx(request):
        return None
    return build(*args, request.GET.get("table", ""))


# --- Unit ---------------------------------------------------------------------------------


@supervisor_page
def work_unit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    unit = get_visible(units_visible(scope).select_related("parent"), pk=pk)
    if (export := _export(request, unit_export, scope, unit)) is not None:
        return export
    children = paginate(request, q.unit_children(scope, unit), param="upage", per_page=PER_PAGE)
    sites = paginate(request, q.unit_sites(scope, unit), param="spage", per_page=PER_PAGE)
    accounts = paginate(request, q.unit_accounts(scope, unit), param="apage", per_page=PER_PAGE)
    verdicts = latest_verdicts(scope, [s.pk for s in sites], [a.pk for a in accounts])
    problems = paginate(request, q.unit_problems(scope, unit), param="fpage", per_page=PER_PAGE)
    lists = paginate(request, q.unit_lists(scope, unit), param="lpage", per_page=PER_PAGE)
    context = {
        "unit": unit,
        "parent": unit.parent if unit.parent_id and scope.sees_unit(unit.parent_id) else None,
        "region_pk": region_of(scope, unit),
        "children": children,
        "sites": sites,
        "site_rows": [(site, verdicts.row("site", site.pk)) for site in sites],
        "accounts": accounts,
        "account_rows": [(acc, verdicts.row("account", acc.pk)) for acc in accounts],
        "periods": verdicts.periods,
        "problems": problems,
        "lists": lists,
        "list_rows": with_days_left(lists),
    }
    return render(request, "workspace/drill/unit.html", context)


# --- Site -------------------------------------------------------------------------------


@supervisor_page
def work_site(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    site = get_visible(
        sites_visible(scope).select_related("operating_unit", "supervising_unit"), pk=pk
    )
    if (export := _export(request, site_export, scope, site)) is not None:
        return export
    columns, column_rows = site_columns(request, site)
    latest_full = q.latest_full_scan(site)
    unit = site.operating_unit
    context = {
        "site": site,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "columns": columns,
        "column_rows": column_rows,
        "scans": paginate(request, q.site_scans(site), param="rpage", per_page=PER_PAGE),
        "results": paginate(
            request, q.target_results(scope, site=site), param="ipage", per_page=PER_PAGE
        ),
        "findings": paginate(
            request, q.current_findings_of(scope, site=site), param="fpage", per_page=PER_PAGE
        ),
        "latest_full": latest_full,
        "scan_findings": paginate(
            request, q.run_problems(scope, latest_full), param="xpage", per_page=PER_PAGE
        )
        if latest_full
        else None,
        "availability": availability(site, china_date(timezone.now())),
    }
    return render(request, "workspace/drill/site.html", context)


# --- Account ------------------------------------------------------------------------------


@supervisor_page
def work_account(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    account = get_visible(
        accounts_visible(scope).select_related("opening_unit", "supervising_unit"), pk=pk
    )
    if (export := _export(request, account_export, scope, account)) is not None:
        return export
    unit = account.opening_unit
    # The page shows the newest posts and fetches; their exports have every one.
    context = {
        "account": account,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "posts": post_counts(account),
        "recent": list(q.account_posts(account)[:RECENT_POSTS]),
        "fetches": list(q.account_fetches(account)[:RECENT_FETCHES]),
        "results": paginate(
            request, q.target_results(scope, account=account), param="ipage", per_page=PER_PAGE
        ),
        "findings": paginate(
            request,
            q.current_findings_of(scope, account=account),
            param="fpage",
            per_page=PER_PAGE,
        ),
    }
    return render(request, "workspace/drill/account.html", context)


# --- Findings: the evidence viewer ------------------------------------------------------------


def _history(
    request: HttpRequest,
    scope: Scope,
    finding: Any,
    site: Site | None,
    account: Any,
    current: tuple[str, int],
) -> tuple[list[Event], HttpResponse | None]:
    """The finding's history, and its export when the page's ?format=xlsx asks for it
    (named after the site or account the finding is about)."""
    events = finding_history(
        scope,
        site=site,
        account=account,
        code=finding.code,
        target_id=finding.target_id,
        fingerprint=finding.fingerprint,
        current=current,
    )
    owner = site.name if site is not None else account.name
    return events, _export(request, history_export, owner, finding.code, events)


@supervisor_page
def work_finding(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    finding = get_visible(
        findings_visible(scope).select_related(
            "result__inspection",
            "result__site__operating_unit",
            "result__account__opening_unit",
        ),
        pk=pk,
    )
    result = finding.result
    site, account = result.site, result.account
    unit = site.operating_unit if site else account.opening_unit  # type: ignore[union-attr]
    events, export = _history(request, scope, finding, site, account, ("inspection", finding.pk))
    if export is not None:
        return export
    scan = (
        ScanRun.objects.filter(pk=result.scan_id).defer(*RUN_BULK).first()
        if result.scan_id
        else None
    )
    context = {
        "finding": finding,
        "kind": "inspection",
        "inspection": result.inspection,
        "result": result,
        "site": site,
        "account": account,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "scan": scan,
        "found_on": scan.scan_date if scan else result.inspection.period_end,
        "rule": rule_of(finding.code, result.inspection.profile),
        "stored": stored_evidence(finding, result.scan_id, account),
        "history": paginate(request, events, param="hpage"),
    }
    return render(request, "workspace/drill/finding.html", context)


@supervisor_page
def work_scan_finding(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    finding = get_visible(
        scan_findings_visible(scope)
        .select_related("run__site__operating_unit")
        .defer(*(f"run__{name}" for name in RUN_BULK)),
        pk=pk,
    )
    run = finding.run
    site = run.site
    unit = site.operating_unit
    events, export = _history(request, scope, finding, site, None, ("scan", finding.pk))
    if export is not None:
        return export
    context = {
        "finding": finding,
        "kind": "scan",
        "site": site,
        "account": None,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "scan": run,
        "found_on": run.scan_date,
        "rule": rule_of(finding.code, run.profile),
        "stored": stored_evidence(finding, run.pk, None),
        "history": paginate(request, events, param="hpage"),
    }
    return render(request, "workspace/drill/finding.html", context)
