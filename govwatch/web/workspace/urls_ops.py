"""The workspace's ops pages (included under /supervise/ by urls.py): 运行操作 and their
progress, result files, and the starting of imports, scans, inspections and bulletins."""

from django.urls import URLPattern, path

from govwatch.web.workspace.views import ops, ops_import

urlpatterns: list[URLPattern] = [
    path("ops/", ops.work_ops, name="work-ops"),
    path("ops/<int:pk>/", ops.work_ops_detail, name="work-ops-detail"),
    path("ops/<int:pk>/status/", ops.work_ops_status, name="work-ops-status"),
    path("ops/<int:pk>/file/", ops.work_ops_file, name="work-ops-file"),
    path("ops/import/", ops_import.work_ops_import, name="work-ops-import"),
    path("ops/import/start/", ops_import.work_ops_import_start, name="work-ops-import-start"),
    path("ops/<int:pk>/apply/", ops_import.work_ops_import_apply, name="work-ops-import-apply"),
    path("ops/scan/", ops.work_ops_scan, name="work-ops-scan"),
    path("ops/scan/start/", ops.work_ops_scan_start, name="work-ops-scan-start"),
    path("ops/inspect/", ops.work_ops_inspect, name="work-ops-inspect"),
    path("ops/inspect/start/", ops.work_ops_inspect_start, name="work-ops-inspect-start"),
    path("ops/bulletin/", ops.work_ops_bulletin, name="work-ops-bulletin"),
    path("ops/bulletin/start/", ops.work_ops_bulletin_start, name="work-ops-bulletin-start"),
]
