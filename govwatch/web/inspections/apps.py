from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "govwatch.web.inspections"
    label = "inspections"
    verbose_name = "检查与评分"
