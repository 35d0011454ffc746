from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "govwatch.web.tickets"
    label = "tickets"
    verbose_name = "问题清单与整改"
