"""The workspace's drill pages (included under /supervise/ by urls.py): unit, site,
account, and the evidence viewer of an inspection's or a scan's finding."""

from django.urls import URLPattern, path

from govwatch.web.workspace.views import drill

urlpatterns: list[URLPattern] = [
    path("units/<int:pk>/", drill.work_unit, name="work-unit"),
    path("sites/<int:pk>/", drill.work_site, name="work-site"),
    path("accounts/<int:pk>/", drill.work_account, name="work-account"),
    path("findings/<int:pk>/", drill.work_finding, name="work-finding"),
    path("scan-findings/<int:pk>/", drill.work_scan_finding, name="work-scan-finding"),
]
