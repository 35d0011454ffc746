from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govwatch.web.interaction"
    label = "interaction"
    verbose_name = "互动交流（咨询测试、网民留言）"
