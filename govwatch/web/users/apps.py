from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "govwatch.web.users"
    label = "users"
    verbose_name = "用户与权限"
