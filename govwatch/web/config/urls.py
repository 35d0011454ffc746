from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "govwatch 政务网站与新媒体监管平台"
admin.site.site_title = "govwatch"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/posts/", include("govwatch.web.newmedia.urls")),
    # The pages people work in: login, /supervise/ (supervisors), /portal/ (units), /files/.
    path("", include("govwatch.web.workspace.urls")),
]

# A busy SQLite hit outside a view (a session save in a middleware) is a Chinese 503 too.
handler500 = "govwatch.web.config.middleware.server_error"
