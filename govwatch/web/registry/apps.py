from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govwatch.web.registry"
    label = "registry"
    verbose_name = "登记（单位、网站、栏目、账号）"
