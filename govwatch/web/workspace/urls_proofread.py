"""稿件校对 (/proofread/, included at the top level by urls.py: every role uses it)."""

from django.urls import URLPattern, path

from govwatch.web.workspace.views import proofread

urlpatterns: list[URLPattern] = [
    path("", proofread.proofread_home, name="proofread"),
    path("check/", proofread.proofread_submit, name="proofread-submit"),
    path("<int:pk>/", proofread.proofread_draft, name="proofread-draft"),
    path("<int:pk>/dismiss/", proofread.proofread_dismiss, name="proofread-dismiss"),
    path("<int:pk>/annotated.docx", proofread.proofread_download, name="proofread-download"),
    path(
        "allowed/<int:pk>/revoke/",
        proofread.proofread_allow_revoke,
        name="proofread-allow-revoke",
    ),
]
