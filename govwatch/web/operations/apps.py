from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "govwatch.web.operations"
    label = "operations"
    verbose_name = "运行操作"
