from django.urls import path

from govwatch.web.newmedia.views import posts_push_view

app_name = "newmedia"

urlpatterns = [path("push/<int:account_id>/", posts_push_view, name="posts_push")]
