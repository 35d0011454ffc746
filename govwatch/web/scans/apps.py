from django.apps import AppConfig


class ScansConfig(AppConfig):
    name = "govwatch.web.scans"
    label = "scans"
    verbose_name = "网站监测（扫描、链接、栏目、可用性）"
