from django.apps import AppConfig


class NewmediaConfig(AppConfig):
    name = "govwatch.web.newmedia"
    label = "newmedia"
    verbose_name = "政务新媒体（发文采集、转载任务）"
