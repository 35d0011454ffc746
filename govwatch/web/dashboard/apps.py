from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "govwatch.web.dashboard"
    label = "dashboard"
    verbose_name = "总览统计"
