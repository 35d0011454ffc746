"""Working-day calendar (工作日历): the year arrangements an office enters.

The rules live in govwatch.engine.calendars and govwatch.engine.workdays; this model only
stores what offices enter and converts it to the engine's ``YearArrangement``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.safestring import mark_safe

from govwatch.engine.calendars import CalendarFileError, YearArrangement, arrangement_from_mapping

# The examples are the JSON syntax itself (its keys are English), set as code.
_CALENDAR_HELP = mark_safe(
    "JSON 列表，格式与 <code>docs/workdays.md</code> 的年度文件相同，例如 <code>"
    '[{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}, '
    '{"name": "元旦", "date": "2027-01-01"}]</code>'
)
_WORKING_DAYS_HELP = mark_safe(
    '调休上班日的 JSON 列表，每项为周六或周日，例如 <code>[{"name": "春节", "date": "2027-02-14"}]</code>'
)


class CalendarYear(models.Model):
    """One year's official holiday arrangement entered by an office (国办节假日安排通知).

    For its year it wins over the shipped files and the chinesecalendar package: the office
    enters it because the package does not know the year yet, or knows it wrongly.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据文件", max_length=300, help_text="通知名称和文号")
    holidays = models.JSONField("放假日期", default=list, blank=True, help_text=_CALENDAR_HELP)
    working_days = models.JSONField(
        "调休上班日",
        default=list,
        blank=True,
        help_text=_WORKING_DAYS_HELP,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"

    def as_mapping(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source,
            "holidays": self.holidays,
            "working_days": self.working_days,
        }

    def to_arrangement(self) -> YearArrangement:
        """The engine's arrangement; raises CalendarFileError when the entry is inconsistent."""
        who = f"，录入人 {self.entered_by}" if self.entered_by_id else ""
        return arrangement_from_mapping(self.as_mapping(), origin=f"管理后台录入{who}")

    def clean(self) -> None:
        # Same checks as a year file, so an admin entry can never be looser than a file.
        try:
            self.to_arrangement()
        except CalendarFileError as exc:
            raise ValidationError(str(exc)) from None
