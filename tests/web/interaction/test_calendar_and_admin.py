"""The message tables count on the admin calendar; the admin lists and searches imported records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from govwatch.engine.interaction.messages import MessageBox
from govwatch.web.calendars.models import CalendarYear
from govwatch.web.interaction.services import citizen_messages_import, citizen_messages_tabulate
from tests.helpers import load_demo_registry, write_csv

pytestmark = pytest.mark.django_db


def test_the_tables_use_the_admin_calendar(tmp_path: Path) -> None:
    """A letter of Friday 6-7 due in 1 working day: 6-11 with 端午, 6-10 if 端午 were worked."""
    load_demo_registry()
    path = write_csv(
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


def test_admin_lists_and_searches_imported_records(admin_client: Client, tmp_path: Path) -> None:
    load_demo_registry()
    citizen_messages_import(
        write_csv(
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
    for page in ("consultationtest/", "consultationtest/add/"):
        response = admin_client.get(f"/admin/interaction/{page}")
        assert response.status_code == 200, page
    assert (
        "咨询信件测试" in admin_client.get("/admin/interaction/consultationtest/").content.decode()
    )
