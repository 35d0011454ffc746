"""The drill pages of the supervisor side: region → unit → site or account → finding →
evidence, each page linking up and down.

Every object comes through the scope selectors (a unit, site, account or finding outside
the login's scope is a 404, like the unit operator on any page here), and every table is
read in a fixed number of queries whatever its length: rows are paginated, and what each
row shows (its latest verdicts, its latest snapshot) is fetched for the whole page at once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govwatch.engine.workdays import china_date
from govwatch.web.inspections.models import PROBLEMS
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ScanRun
from govwatch.web.users.selectors import (
    Scope,
    accounts_visible,
    findings_visible,
    get_visible,
    problem_lists_visible,
    results_visible,
    sites_visible,
    units_visible,
)
from govwatch.web.workspace.views.access import paginate, supervisor_page
from govwatch.web.workspace.views.drill_evidence import (
    finding_history,
    rule_of,
    scan_findings_visible,
    stored_evidence,
)
from govwatch.web.workspace.views.drill_rows import (
    PER_PAGE,
    RUN_BULK,
    availability,
    count_of,
    current_findings,
    latest_verdicts,
    post_counts,
    region_of,
    site_columns,
)
from govwatch.web.workspace.views.lists import lists_with_counts, with_days_left

RECENT_POSTS = 10
RECENT_FETCHES = 5

# --- Unit ---------------------------------------------------------------------------------


@supervisor_page
def work_unit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    unit = get_visible(units_visible(scope).select_related("parent"), pk=pk)
    children = paginate(
        request,
        units_visible(scope)
        .filter(parent=unit)
        .annotate(
            n_sites=count_of(Site, "operating_unit"),
            n_accounts=count_of(Account, "opening_unit"),
            n_children=count_of(Unit, "parent"),
        )
        .order_by("name"),
        param="upage",
        per_page=PER_PAGE,
    )
    sites = paginate(
        request,
        sites_visible(scope).filter(operating_unit=unit).order_by("site_code"),
        param="spage",
        per_page=PER_PAGE,
    )
    accounts = paginate(
        request,
        accounts_visible(scope).filter(opening_unit=unit).order_by("platform", "name", "pk"),
        param="apage",
        per_page=PER_PAGE,
    )
    verdicts = latest_verdicts(scope, [s.pk for s in sites], [a.pk for a in accounts])
    own = Q(site__operating_unit=unit) | Q(account__opening_unit=unit)
    problems = paginate(request, current_findings(scope, own), param="fpage", per_page=PER_PAGE)
    lists = paginate(
        request,
        lists_with_counts(
            problem_lists_visible(scope).filter(unit=unit).select_related("inspection")
        ).order_by("-sent_at", "-pk"),
        param="lpage",
        per_page=PER_PAGE,
    )
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
    columns, column_rows = site_columns(request, site)
    scans = paginate(
        request,
        ScanRun.objects.filter(site=site)
        .defer(*RUN_BULK)
        .annotate(n_findings=Count("findings", filter=Q(findings__severity__in=PROBLEMS)))
        .order_by("-scan_date", "-finished_at", "-pk"),
        param="rpage",
        per_page=PER_PAGE,
    )
    results = paginate(
        request,
        results_visible(scope)
        .filter(site=site)
        .select_related("inspection")
        .order_by("-inspection__period_end", "-inspection__created_at", "-pk"),
        param="ipage",
        per_page=PER_PAGE,
    )
    latest_full = (
        ScanRun.objects.filter(site=site, kind="full")
        .defer(*RUN_BULK)
        .order_by("-scan_date", "-finished_at", "-pk")
        .first()
    )
    scan_findings = (
        scan_findings_visible(scope)
        .filter(run=latest_full, severity__in=PROBLEMS)
        .order_by("code", "target_id", "pk")
        if latest_full
        else None
    )
    unit = site.operating_unit
    context = {
        "site": site,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "columns": columns,
        "column_rows": column_rows,
        "scans": scans,
        "results": results,
        "findings": paginate(
            request, current_findings(scope, Q(site=site)), param="fpage", per_page=PER_PAGE
        ),
        "latest_full": latest_full,
        "scan_findings": paginate(request, scan_findings, param="xpage", per_page=PER_PAGE)
        if scan_findings is not None
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
    results = paginate(
        request,
        results_visible(scope)
        .filter(account=account)
        .select_related("inspection")
        .order_by("-inspection__period_end", "-inspection__created_at", "-pk"),
        param="ipage",
        per_page=PER_PAGE,
    )
    unit = account.opening_unit
    context = {
        "account": account,
        "unit": unit,
        "region_pk": region_of(scope, unit),
        "posts": post_counts(account),
        "recent": list(
            Post.objects.filter(account=account)
            .only("pk", "published_at", "title", "url", "is_original", "text_hits")
            .order_by("-published_at", "-pk")[:RECENT_POSTS]
        ),
        "fetches": list(
            FetchAttempt.objects.filter(account=account).order_by("-at", "-pk")[:RECENT_FETCHES]
        ),
        "results": results,
        "findings": paginate(
            request, current_findings(scope, Q(account=account)), param="fpage", per_page=PER_PAGE
        ),
    }
    return render(request, "workspace/drill/account.html", context)


# --- Findings: the evidence viewer ------------------------------------------------------------


def _history_page(request: HttpRequest, **kwargs: Any) -> Any:
    return paginate(request, finding_history(**kwargs), param="hpage")


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
        "history": _history_page(
            request,
            scope=scope,
            site=site,
            account=account,
            code=finding.code,
            target_id=finding.target_id,
            fingerprint=finding.fingerprint,
            current=("inspection", finding.pk),
        ),
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
        "history": _history_page(
            request,
            scope=scope,
            site=site,
            account=None,
            code=finding.code,
            target_id=finding.target_id,
            fingerprint=finding.fingerprint,
            current=("scan", finding.pk),
        ),
    }
    return render(request, "workspace/drill/finding.html", context)
