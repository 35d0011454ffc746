from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "govwatch.web.monitoring"
    label = "monitoring"
    verbose_name = "持续监测（计划任务、可用性、预警）"
