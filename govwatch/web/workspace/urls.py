"""The workspace's addresses. Names and paths are fixed: the browser tests use them."""

from django.contrib.auth.views import LogoutView
from django.urls import include, path

from govwatch.web.workspace.views import common, dashboard, portal, work

# The supervisor side lives under /supervise/, the unit portal under /portal/.
supervise = [
    path("", dashboard.work_dashboard, name="work-home"),
    path("inspections/", work.work_inspections, name="work-inspections"),
    path("regions/<int:pk>/", dashboard.work_region, name="work-region"),
    path("wall/", dashboard.work_wall, name="work-wall"),
    path("dashboard/refresh/", dashboard.work_dashboard_refresh, name="work-dashboard-refresh"),
    path("inspections/<int:pk>/", work.work_inspection, name="work-inspection"),
    path("inspections/<int:pk>/send/", work.work_send, name="work-send"),
    path("findings/<int:pk>/decide/", work.work_finding_decide, name="work-finding-decide"),
    path("lists/", work.work_lists, name="work-lists"),
    path("lists/<int:pk>/", work.work_list, name="work-list"),
    path("items/<int:pk>/", work.work_item, name="work-item"),
    path("items/<int:pk>/close/", work.work_item_close, name="work-item-close"),
    path("items/<int:pk>/reopen/", work.work_item_reopen, name="work-item-reopen"),
    path(
        "items/<int:pk>/appeal-decide/",
        work.work_item_appeal_decide,
        name="work-item-appeal-decide",
    ),
    path("stats/", work.work_stats, name="work-stats"),
    path("", include("govwatch.web.workspace.urls_drill")),
    path("", include("govwatch.web.workspace.urls_ops")),
]
portal_items = [
    path("", portal.portal_item, name="portal-item"),
    path("answer/", portal.portal_item_answer, name="portal-item-answer"),
    path("upload/", portal.portal_item_upload, name="portal-item-upload"),
    path("submit/", portal.portal_item_submit, name="portal-item-submit"),
    path("appeal/", portal.portal_item_appeal, name="portal-item-appeal"),
]
urlpatterns = [
    path("", common.home, name="home"),
    path("login/", common.WorkspaceLoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only (a link cannot log anyone out).
    path("logout/", LogoutView.as_view(next_page="login"), name="logout"),
    path("files/<int:pk>/", common.attachment_download, name="attachment-download"),
    path("supervise/", include(supervise)),
    # 稿件校对 serves both sides: supervisors and the units that publish.
    path("proofread/", include("govwatch.web.workspace.urls_proofread")),
    path("portal/", portal.portal_home, name="portal-home"),
    path("portal/lists/<int:pk>/", portal.portal_list, name="portal-list"),
    path("portal/items/<int:pk>/", include(portal_items)),
]
