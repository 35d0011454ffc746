"""Citizen messages: seed 000 附件3/4 rebuilt as one row per letter, imported from xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govwatch.engine.interaction.messages import MessageBox
from govwatch.engine.workdays import add_working_days
from govwatch.web.interaction.models import CitizenMessage
from govwatch.web.interaction.services import (
    InteractionImportError,
    citizen_messages_import,
    citizen_messages_tabulate,
)
from govwatch.web.registry.resolver import UnitIndex
from tests.helpers import Cell, load_demo_registry, read_seed, write_csv, write_workbook
from tests.web.interaction import helpers as H

pytestmark = pytest.mark.django_db

SCOPE = "格尔木市人民政府"
Q2 = (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
T = dt.datetime

# When each letter the seed lists as open was received (the ids carry year and month).
OPEN_RECEIVED = {
    "2024050010": T(2024, 5, 20, 10),
    "2024060024": T(2024, 6, 24, 10),  # due 7-1 with 5 working days: open, not overdue
    "2024050017": T(2024, 5, 17, 10),
    "2024050037": T(2024, 5, 30, 10),
    "2024040025": T(2024, 4, 25, 10),
    "2024050021": T(2024, 5, 21, 10),
    "2024060028": T(2024, 6, 28, 10),
    "2024060037": T(2024, 6, 29, 10),  # a Saturday
    "2024060014": T(2024, 6, 14, 10),  # due 6-21: 端午 6-10 is before it, still overdue
    "2024060034": T(2024, 6, 26, 10),
}
OVERDUE = {
    MessageBox.MAYOR_MAILBOX: {"2024050010"},
    MessageBox.DEPARTMENT_MESSAGE_BOARD: {
        "2024050017",
        "2024050037",
        "2024040025",
        "2024050021",
        "2024060014",
    },
}
SEEDS = {
    MessageBox.MAYOR_MAILBOX: ("000_a3_mayor_mailbox.csv", "市长信箱"),
    MessageBox.DEPARTMENT_MESSAGE_BOARD: ("000_a4_department_messages.csv", "部门留言"),
}


def seed_rows(seed: str, box_label: str, first_serial: int) -> list[list[Cell]]:
    """One row per letter, as a mailbox export holds them (datetime cells, Chinese labels)."""
    rows: list[list[Cell]] = []
    serial = first_serial
    for unit_row in read_seed(seed):
        for letter in range(int(unit_row["letters_replied"])):
            serial += 1
            received = T(2024, 4 + letter % 3, 1 + serial % 20, 9, 30)
            answered = T.combine(add_working_days(received, 1 + serial % 3), dt.time(16))
            message_id = f"{received:%Y%m}{9000 + serial:04d}"
            rows.append(
                [message_id, box_label, unit_row["department"], received, answered, "已办结"]
            )
        for message_id in filter(None, unit_row["unreplied_letter_ids"].split(";")):
            received = OPEN_RECEIVED[message_id]
            rows.append([message_id, box_label, unit_row["department"], received, None, "正在办理"])
    return rows


def noise_rows() -> list[list[Cell]]:
    """Rows that must not change the tables: invalid, before the period, another box."""
    return [
        ["X1", "部门留言", "市公安局", T(2024, 5, 6, 9), None, "无效"],
        ["X2", "部门留言", "市公安局", T(2024, 3, 28, 9), None, ""],
        ["X3", "我为政府网站找错", "市公安局", T(2024, 5, 6, 9), None, ""],
    ]


@pytest.fixture
def seed_workbook(tmp_path: Path) -> Path:
    load_demo_registry()
    return write_workbook(
        tmp_path / "messages.xlsx",
        {
            "市长信箱": (H.MESSAGE_HEADERS, seed_rows(*SEEDS[MessageBox.MAYOR_MAILBOX], 0)),
            "部门留言": (
                H.MESSAGE_HEADERS,
                seed_rows(*SEEDS[MessageBox.DEPARTMENT_MESSAGE_BOARD], 500) + noise_rows(),
            ),
        },
    )


@pytest.mark.parametrize(
    ("box", "totals"),
    [(MessageBox.MAYOR_MAILBOX, (18, 17, 1)), (MessageBox.DEPARTMENT_MESSAGE_BOARD, (90, 81, 9))],
)
def test_seed_000_tables_from_an_imported_workbook(
    seed_workbook: Path, box: MessageBox, totals: tuple[int, int, int]
) -> None:
    report = citizen_messages_import(seed_workbook, scope=SCOPE)
    assert report.created == 18 + 90 + 3 and not report.dry_run
    table = citizen_messages_tabulate(*Q2, box=box, limit_working_days=5)
    index = UnitIndex.load()
    scope = index.resolve(SCOPE)
    seed_rows_ = read_seed(SEEDS[box][0])
    expected = {
        index.display[index.resolve(r["department"], scope)]: (
            int(r["letters_received"]),
            int(r["letters_replied"]),
            tuple(filter(None, r["unreplied_letter_ids"].split(";"))),
        )
        for r in seed_rows_
    }
    got = {r.unit: (r.letters_received, r.letters_replied, r.open_message_ids) for r in table.rows}
    assert got == expected
    assert len(table.rows) == len(seed_rows_)
    total = table.total
    assert (total.letters_received, total.letters_replied, total.open) == totals
    assert set(total.overdue_message_ids) == OVERDUE[box]


def test_reimport_changes_nothing_and_an_answer_updates(
    seed_workbook: Path, tmp_path: Path
) -> None:
    citizen_messages_import(seed_workbook, scope=SCOPE)
    again = citizen_messages_import(seed_workbook, scope=SCOPE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 111)
    answer = write_csv(
        tmp_path / "answer.csv",
        H.MESSAGE_HEADERS,
        [["2024050010", "市长信箱", "市卫健委", "2024-05-20 10:00", "2024-05-31 11:00", ""]],
    )
    dry = citizen_messages_import(answer, scope=SCOPE, dry_run=True)
    assert dry.updated == 1 and "答复时间" in dry.changes[0]
    assert CitizenMessage.objects.get(message_id="2024050010").answered_at is None
    citizen_messages_import(answer, scope=SCOPE)
    table = citizen_messages_tabulate(*Q2, box=MessageBox.MAYOR_MAILBOX)
    assert (table.total.letters_replied, table.total.open, table.total.replied_late) == (18, 0, 1)


def test_short_and_full_names_reach_one_unit_within_the_scope(tmp_path: Path) -> None:
    load_demo_registry()
    path = write_csv(
        tmp_path / "yj.csv",
        ["信件编号", "承办单位", "受理时间", "答复时间"],
        [
            ["A1", "市应急局", "2024-05-06 09:00", "2024-05-07 09:00"],
            ["A2", "市应急管理局", "2024-05-08 09:00", ""],
        ],
        encoding="gbk",  # as Excel on Chinese Windows saves csv
    )
    citizen_messages_import(path, scope=SCOPE, box="部门留言")
    units = set(CitizenMessage.objects.values_list("unit__name", flat=True))
    assert units == {"格尔木市应急管理局"}
    # Without the region the short form 市应急局 is no single unit.
    CitizenMessage.objects.all().delete()
    with pytest.raises(InteractionImportError) as caught:
        citizen_messages_import(path, box="部门留言")
    assert any("第2行「承办单位」列" in e for e in caught.value.errors)
