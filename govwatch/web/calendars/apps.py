from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "govwatch.web.calendars"
    label = "calendars"
    verbose_name = "工作日历（年度节假日安排）"
