"""What each kind of operation does: the same services the `govwatch` commands call
(registry import, sites_scan, inspection_run, bulletin_write), with progress recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings

from govwatch.engine.labels import SEVERITY_ZH
from govwatch.web.inspections.models import Inspection
from govwatch.web.inspections.selectors import inspection_counts, inspection_pass_rate_text
from govwatch.web.inspections.services import inspection_run
from govwatch.web.operations.models import Operation
from govwatch.web.operations.region import registry_import_in_region
from govwatch.web.operations.services import (
    OperationError,
    bulletin_options,
    operation_dir,
    operation_progress,
)
from govwatch.web.registry.models import Site
from govwatch.web.registry.services import RegistryImportError
from govwatch.web.reports.services import bulletin_write
from govwatch.web.scans.services import sites_scan
from govwatch.web.users.selectors import units_below

ENTITY_ZH = {"units": "单位", "sites": "网站", "columns": "栏目", "accounts": "账号"}
# Changes kept in the operation's result for the page (the CLI prints 200, --json all).
CHANGES_KEPT = 500
# Sites listed one by one in a scan's result.
SITES_KEPT = 500


def _region_sites(operation: Operation) -> Any:
    sites = Site.objects.all()
    if operation.unit_id is not None:
        sites = sites.filter(operating_unit__in=units_below(operation.unit_id))
    return sites


def run_registry_import(operation: Operation) -> dict[str, Any]:
    dry_run = bool(operation.params.get("dry_run"))
    path = operation_dir(operation) / operation.params["stored"]
    if not path.is_file():
        raise OperationError("上传的文件已不存在，请重新上传")
    operation_progress(operation, 0, 1, "正在校验文件…" if dry_run else "正在导入…")
    try:
        report = registry_import_in_region(path, dry_run=dry_run, region=operation.unit)
    except RegistryImportError as exc:
        # The result keeps the error report for the page: row, column, reason in Chinese.
        operation.result = {"ok": False, "errors": exc.errors, "error_total": exc.total}
        raise
    counts = {
        entity: {"label": ENTITY_ZH[entity], **vars(value)}
        for entity, value in report.counts.items()
    }
    created = sum(c["created"] for c in counts.values())
    updated = sum(c["updated"] for c in counts.values())
    head = "试运行通过（未写入）" if dry_run else "导入完成"
    summary = f"{head}：新增 {created}，更新 {updated}"
    operation_progress(operation, 1, 1, summary)
    return {
        "ok": True,
        "dry_run": dry_run,
        "counts": counts,
        "changes": report.changes[:CHANGES_KEPT],
        "changes_total": len(report.changes),
        "changed": report.changed,
        "summary": summary,
    }


def run_scan(operation: Operation) -> dict[str, Any]:
    sites = _region_sites(operation)
    if operation.params.get("all"):
        sites = sites.filter(status="running")
    else:
        sites = sites.filter(pk__in=operation.params.get("site_ids", []))
    todo = list(sites.order_by("site_code"))
    if not todo:
        raise OperationError("范围内没有可检测的网站")
    total = len(todo)
    operation_progress(operation, 0, total, f"正在检测 {total} 个网站…")

    def progress(done: int, total: int, site: Site, run: object) -> None:
        operation_progress(operation, done, total, f"已完成 {done}/{total}：{site.name}")

    # On a thread of the web server the scan stays in this process: forking a threaded
    # server can copy a held lock into the child. A Celery worker uses every core.
    processes = None if settings.CELERY_BROKER_URL else 1
    runs = sites_scan(
        todo,
        profile_name=operation.params.get("profile") or None,
        processes=processes,
        progress=progress,
    )
    rows: list[dict[str, Any]] = []
    totals = dict.fromkeys(SEVERITY_ZH, 0)
    for run in sorted(runs, key=lambda r: r.site.site_code):
        counts = dict.fromkeys(SEVERITY_ZH, 0)
        for severity in run.findings.values_list("severity", flat=True):
            counts[severity] = counts.get(severity, 0) + 1
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        pages = run.stats.get("pages_fetched", 0) + run.stats.get("pages_resumed", 0)
        if len(rows) < SITES_KEPT:
            rows.append(
                {
                    "site_code": run.site.site_code,
                    "name": run.site.name,
                    "pages": pages,
                    "problems": "，".join(
                        f"{SEVERITY_ZH[k]} {v}" for k, v in counts.items() if v and k != "info"
                    )
                    or "无问题",
                }
            )
    found = "，".join(f"{SEVERITY_ZH[k]} {v}" for k, v in totals.items() if v and k != "info")
    return {
        "sites": rows,
        "site_total": len(runs),
        "summary": f"已检测 {len(runs)} 个网站：{found or '未发现问题'}",
    }


def run_inspection(operation: Operation) -> dict[str, Any]:
    params = operation.params
    operation_progress(operation, 0, 1, f"正在检查 {params['period']}…")
    region = operation.unit if params.get("scope", "region") == "region" else None
    inspection = inspection_run(
        params["period"],
        profile_name=params.get("profile") or None,
        scope="region" if region is not None else params.get("scope", "all"),
        region=region,
        sample_size=params.get("sample_size"),
        sample_seed=params.get("sample_seed", ""),
        created_by=params.get("user", ""),
    )
    counts = inspection_counts(inspection)
    rate = inspection_pass_rate_text(inspection)
    summary = (
        f"检查 {inspection.period} 完成：共 {counts.total} 个对象，不合格 {counts.unqualified} 个，"
        f"网站合格率 {rate}"
    )
    operation_progress(operation, 1, 1, summary)
    return {
        "inspection": inspection.pk,
        "period": inspection.period,
        "total": counts.total,
        "unqualified": counts.unqualified,
        "pass_rate": rate,
        "account_pass_rate": inspection_pass_rate_text(inspection, "account"),
        "summary": summary,
    }


def run_bulletin(operation: Operation) -> dict[str, Any]:
    params = operation.params
    inspection = Inspection.objects.filter(pk=params["inspection"]).first()
    if inspection is None:
        raise OperationError("该检查已不存在，未生成通报")
    operation_progress(operation, 0, 1, f"正在生成 {inspection.period} 通报…")
    accepted = bulletin_options()
    offered = {"pdf": bool(params.get("pdf")), **params.get("fields", {})}
    kwargs = {
        key: value
        for key, value in offered.items()
        if (value not in ("", None) or key == "pdf") and ("*" in accepted or key in accepted)
    }
    for key, value in kwargs.items():
        # Dates travel as ISO text in the operation's parameters.
        if key.endswith("date") and isinstance(value, str):
            kwargs[key] = dt.date.fromisoformat(value)
    out = operation_dir(operation)
    files = bulletin_write(inspection, out, **kwargs)
    listed = [
        {"name": files.docx.name, "label": "通报（Word）"},
        {"name": files.xlsx.name, "label": "附件表（Excel）"},
    ]
    if files.pdf:
        listed.append({"name": files.pdf.name, "label": "通报（PDF）"})
    summary = f"已生成 {inspection.period} 通报"
    operation_progress(operation, 1, 1, summary)
    return {
        "inspection": inspection.pk,
        "period": inspection.period,
        "files": listed,
        "pdf_message": "" if files.pdf else files.pdf_message,
        "summary": summary,
    }


JOBS: dict[str, Callable[[Operation], dict[str, Any]]] = {
    "registry_import": run_registry_import,
    "scan": run_scan,
    "inspection": run_inspection,
    "bulletin": run_bulletin,
}
