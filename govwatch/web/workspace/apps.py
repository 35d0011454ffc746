from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "govwatch.web.workspace"
    label = "workspace"
    verbose_name = "工作台"
