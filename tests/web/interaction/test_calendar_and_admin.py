"""Admin-entered calendar years win for their year; the admin lists, searches and records who."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from govwatch.engine.interaction.messages import MessageBox
from govwatch.engine.workdays import CalendarNotCovered, default_calendar
from govwatch.web.interaction.models import CalendarYear
from govwatch.web.interaction.services import (
    calendar_year_import,
    citizen_messages_import,
    citizen_messages_tabulate,
    work_calendar_load,
)
from tests.web.interaction import helpers as H

pytestmark = pytest.mark.django_db

EXAMPLE_2025 = H.REPO / "govwatch" / "engine" / "calendars" / "example-2025.yaml"


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


def test_the_tables_use_the_admin_calendar(tmp_path: Path) -> None:
    """A letter of Friday 6-7 due in 1 working day: 6-11 with 端午, 6-10 if 端午 were worked."""
    H.load_demo_registry()
    path = H.write_csv(
        tmp_path / "m.csv",
        ["信件编号", "承办单位", "受理时间", "答复时间"],
        [["D1", "市公安局", "2024-06-07 09:00", "2024-06-11 09:00"]],
    )
    citizen_messages_import(path, scope="格尔木市人民政府", box="部门留言")
    june = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    box = MessageBox.DEPARTMENT_MESSAGE_BOARD
    assert citizen_messages_tabulate(*june, box=box, limit_working_days=1).total.replied_late == 0
    CalendarYear.objects.create(year=2024, source="测试用：端午照常上班")
    assert citizen_messages_tabulate(*june, box=box, limit_working_days=1).total.replied_late == 1


def test_calendar_year_is_validated_like_a_year_file() -> None:
    entry = CalendarYear(
        year=2027, source="测试", working_days=[{"name": "春节", "date": "2027-02-10"}]
    )
    with pytest.raises(ValidationError, match="调休上班日 2027-02-10 是星期三"):
        entry.full_clean()


def test_a_year_file_can_be_stored_as_an_admin_year() -> None:
    entry = calendar_year_import(EXAMPLE_2025)
    assert entry.year == 2025 and "国办发明电" in entry.source
    calendar = work_calendar_load()
    package = default_calendar()
    day = dt.date(2025, 1, 1)
    while day.year == 2025:
        assert calendar.is_working_day(day) == package.is_working_day(day), day
        day += dt.timedelta(days=1)


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("inspector", "", "pw-for-tests")
    client = Client()
    client.force_login(user)
    return client


def test_admin_records_who_entered_a_year(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/interaction/calendaryear/add/",
        {
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            "holidays": '[{"name": "元旦", "date": "2027-01-01"}]',
            "working_days": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.get(year=2027).entered_by.username == "inspector"
    bad = admin_client.post(
        "/admin/interaction/calendaryear/add/",
        {"year": "2028", "source": "x", "holidays": '[{"name": "元旦"}]', "working_days": "[]"},
    )
    assert bad.status_code == 200 and "日期" in bad.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_admin_lists_and_searches_imported_records(admin_client: Client, tmp_path: Path) -> None:
    H.load_demo_registry()
    citizen_messages_import(
        H.write_csv(
            tmp_path / "m.csv",
            ["信件编号", "承办单位", "受理时间"],
            [["2024059999", "市应急局", "2024-05-06 09:00"]],
        ),
        scope="格尔木市人民政府",
        box="市长信箱",
    )
    found = admin_client.get("/admin/interaction/citizenmessage/", {"q": "格尔木市应急管理局"})
    assert found.status_code == 200 and "2024059999" in found.content.decode()
    missing = admin_client.get("/admin/interaction/citizenmessage/", {"q": "市公安局"})
    assert "2024059999" not in missing.content.decode()
    for page in ("consultationtest/", "consultationtest/add/", "calendaryear/"):
        response = admin_client.get(f"/admin/interaction/{page}")
        assert response.status_code == 200, page
    assert (
        "咨询信件测试" in admin_client.get("/admin/interaction/consultationtest/").content.decode()
    )
