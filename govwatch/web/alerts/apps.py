from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "govwatch.web.alerts"
    label = "alerts"
    verbose_name = "提醒"
