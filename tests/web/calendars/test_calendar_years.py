"""Admin-entered calendar years win for their year; the admin records who; migrating keeps them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from govwatch.engine.workdays import CalendarNotCovered, default_calendar
from govwatch.web.calendars.models import CalendarYear
from govwatch.web.calendars.services import work_calendar_load

pytestmark = pytest.mark.django_db


def test_an_admin_year_wins_over_the_package_for_its_year_only() -> None:
    spring_festival_monday = dt.date(2024, 2, 12)
    assert not work_calendar_load().is_working_day(spring_festival_monday)
    CalendarYear.objects.create(
        year=2024,
        source="测试用：假设的 2024 年安排",
        holidays=[{"name": "元旦", "date": "2024-01-01"}],
        working_days=[],
    )
    calendar = work_calendar_load()
    assert calendar.is_working_day(spring_festival_monday)
    assert not calendar.is_working_day(dt.date(2024, 1, 1))
    assert "管理后台录入" in (calendar.source_for(2024) or "")
    # Other years still come from the package.
    assert not calendar.is_working_day(dt.date(2025, 1, 29))


def test_an_admin_year_extends_the_calendar_beyond_the_package() -> None:
    year = max(default_calendar().covered_years) + 1
    with pytest.raises(CalendarNotCovered):
        work_calendar_load().add_working_days(dt.date(year, 1, 5), 1)
    CalendarYear.objects.create(
        year=year,
        source="测试用年度安排",
        holidays=[{"name": "元旦", "from": f"{year}-01-01", "to": f"{year}-01-03"}],
    )
    calendar = work_calendar_load()
    assert not calendar.is_working_day(dt.date(year, 1, 2))
    assert calendar.working_days_between(dt.date(year, 1, 1), dt.date(year, 1, 31)) == len(
        [d for d in range(4, 32) if dt.date(year, 1, d).weekday() < 5]
    )


def test_calendar_year_is_validated_like_a_year_file() -> None:
    entry = CalendarYear(
        year=2027, source="测试", working_days=[{"name": "春节", "date": "2027-02-10"}]
    )
    with pytest.raises(ValidationError, match="调休上班日 2027-02-10 是星期三"):
        entry.full_clean()


def test_admin_records_who_entered_a_year(admin_client: Client) -> None:
    client = admin_client
    response = client.post(
        "/admin/calendars/calendaryear/add/",
        {
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            "holidays": '[{"name": "元旦", "date": "2027-01-01"}]',
            "working_days": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.get(year=2027).entered_by.username == "inspector"
    bad = client.post(
        "/admin/calendars/calendaryear/add/",
        {"year": "2028", "source": "x", "holidays": '[{"name": "元旦"}]', "working_days": "[]"},
    )
    assert bad.status_code == 200 and "日期" in bad.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()
    listing = client.get("/admin/calendars/calendaryear/", {"q": "2027年部分节假日"})
    assert listing.status_code == 200 and "年度节假日安排" in listing.content.decode()


@pytest.mark.django_db(transaction=True)
def test_moving_the_model_out_of_interaction_keeps_the_stored_years() -> None:
    """Databases made before the move hold interaction_calendaryear; its rows must survive."""
    before = [("interaction", "0001_initial"), ("calendars", None)]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before[0]).apps
    user = old_apps.get_model("auth", "User").objects.create(username="office")
    old_apps.get_model("interaction", "CalendarYear").objects.create(
        year=2027, source="测试", holidays=[{"name": "元旦", "date": "2027-01-01"}], entered_by=user
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    entry = CalendarYear.objects.get(year=2027)
    assert entry.entered_by.username == "office"
    assert not work_calendar_load().is_working_day(dt.date(2027, 1, 1))
