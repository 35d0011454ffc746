"""The workspace's addresses. Names and paths are fixed: the browser tests use them."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from govwatch.web.workspace.views import common, portal, work

urlpatterns = [
    path("", common.home, name="home"),
    path("login/", common.WorkspaceLoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only (a link cannot log anyone out).
    path("logout/", LogoutView.as_view(next_page="login"), name="logout"),
    path("files/<int:pk>/", common.attachment_download, name="attachment-download"),
    # Supervisor side
    path("work/", work.work_home, name="work-home"),
    path("work/inspections/<int:pk>/", work.work_inspection, name="work-inspection"),
    path("work/inspections/<int:pk>/send/", work.work_send, name="work-send"),
    path("work/findings/<int:pk>/decide/", work.work_finding_decide, name="work-finding-decide"),
    path("work/lists/", work.work_lists, name="work-lists"),
    path("work/lists/<int:pk>/", work.work_list, name="work-list"),
    path("work/items/<int:pk>/", work.work_item, name="work-item"),
    path("work/items/<int:pk>/close/", work.work_item_close, name="work-item-close"),
    path("work/items/<int:pk>/reopen/", work.work_item_reopen, name="work-item-reopen"),
    path(
        "work/items/<int:pk>/appeal-decide/",
        work.work_item_appeal_decide,
        name="work-item-appeal-decide",
    ),
    path("work/stats/", work.work_stats, name="work-stats"),
    # Unit portal
    path("portal/", portal.portal_home, name="portal-home"),
    path("portal/lists/<int:pk>/", portal.portal_list, name="portal-list"),
    path("portal/items/<int:pk>/", portal.portal_item, name="portal-item"),
    path("portal/items/<int:pk>/answer/", portal.portal_item_answer, name="portal-item-answer"),
    path("portal/items/<int:pk>/upload/", portal.portal_item_upload, name="portal-item-upload"),
    path("portal/items/<int:pk>/submit/", portal.portal_item_submit, name="portal-item-submit"),
    path("portal/items/<int:pk>/appeal/", portal.portal_item_appeal, name="portal-item-appeal"),
]
