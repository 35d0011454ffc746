from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "govwatch.web.users"
    label = "users"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from govwatch.web.users.lookups import lookups_register

        lookups_register()
