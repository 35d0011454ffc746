from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "govwatch.web.statistics"
    label = "statistics"
    verbose_name = "统计数据（公文流转、栏目发布、信息报送、政府信息公开年报）"
