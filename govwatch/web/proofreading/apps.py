from django.apps import AppConfig


class ProofreadingConfig(AppConfig):
    name = "govwatch.web.proofreading"
    label = "proofreading"
    verbose_name = "稿件校对"
    default_auto_field = "django.db.models.BigAutoField"
