"""Citizen messages rebuilt from seed 000 annexes 3 and 4, imported through the row parser."""

from __future__ import annotations

import datetime as dt

import pytest

from govwatch.engine.interaction.message_rows import parse_messages
from govwatch.engine.interaction.messages import (
    CitizenMessage,
    MessageBox,
    MessageStatus,
    table_totals,
    unit_message_table,
)
from govwatch.engine.periods import period_dates
from govwatch.engine.rows import RowErrors
from govwatch.engine.tabular import dict_sheet
from govwatch.engine.workdays import add_working_days
from tests.helpers import read_seed

Q2 = period_dates("2024Q2")
LIMIT = 5  # working days; 000 states no limit, this is the test profile's choice

# When each letter the seed lists as open was received (the ids carry year and month).
OPEN_RECEIVED = {
    "2024050010": dt.date(2024, 5, 20),
    "2024060024": dt.date(2024, 6, 24),  # due 7-1: open but not yet overdue on 6-30
    "2024050017": dt.date(2024, 5, 17),
    "2024050037": dt.date(2024, 5, 30),
    "2024040025": dt.date(2024, 4, 25),
    "2024050021": dt.date(2024, 5, 21),
    "2024060028": dt.date(2024, 6, 28),  # not yet overdue
    "2024060037": dt.date(2024, 6, 29),  # a Saturday; not yet overdue
    "2024060014": dt.date(2024, 6, 14),  # due 6-21 after 端午: overdue
    "2024060034": dt.date(2024, 6, 26),  # not yet overdue
}


def _rows(seed: str, box_label: str) -> list[dict[str, str]]:
    """Message rows as an import file would hold them: one per letter, all text."""
    rows: list[dict[str, str]] = []
    serial = 0
    for unit_row in read_seed(seed):
        open_ids = [i for i in unit_row["unreplied_letter_ids"].split(";") if i]
        answered = int(unit_row["letters_replied"])
        for letter in range(answered):
            serial += 1
            month = 4 + letter % 3
            received = dt.datetime(2024, month, 1 + serial % 20, 9, 30)
            reply = add_working_days(received, 1 + serial % 3)
            rows.append(
                {
                    "message_id": f"2024{month:02d}{9000 + serial:04d}",
                    "box": box_label,
                    "unit": unit_row["department"],
                    "received_at": received.isoformat(sep=" "),
                    "answered_at": f"{reply} 16:00",
                    "status": "已办结",
                }
            )
        for message_id in open_ids:
            rows.append(
                {
                    "message_id": message_id,
                    "box": box_label,
                    "unit": unit_row["department"],
                    "received_at": f"{OPEN_RECEIVED[message_id]} 10:00",
                    "answered_at": "",
                    "status": "正在办理",
                }
            )
    return rows


def _parse(rows: list[dict[str, str]]) -> list[CitizenMessage]:
    """The messages of an import file holding ``rows``, which must all be valid."""
    errors = RowErrors()
    parsed = parse_messages([dict_sheet("信件", rows)], errors)
    assert not errors, errors.lines()
    return [message for _, message in parsed if message is not None]


def _noise(box_label: str, unit: str) -> list[dict[str, str]]:
    """Rows that must not change the table: invalid, before the period, other box."""
    return [
        {
            "message_id": "X1",
            "box": box_label,
            "unit": unit,
            "received_at": "2024-05-06",
            "answered_at": "",
            "status": "无效",
        },
        {
            "message_id": "X2",
            "box": box_label,
            "unit": unit,
            "received_at": "2024-03-28",
            "answered_at": "",
            "status": "",
        },
        {
            "message_id": "X3",
            "box": "我为政府网站找错",
            "unit": unit,
            "received_at": "2024-05-06",
            "answered_at": "",
            "status": "",
        },
    ]


@pytest.mark.parametrize(
    ("seed", "box", "label", "totals"),
    [
        ("000_a3_mayor_mailbox.csv", MessageBox.MAYOR_MAILBOX, "市长信箱", (18, 17)),
        (
            "000_a4_department_messages.csv",
            MessageBox.DEPARTMENT_MESSAGE_BOARD,
            "部门留言",
            (90, 81),
        ),
    ],
)
def test_seed_000_unit_tables(
    seed: str, box: MessageBox, label: str, totals: tuple[int, int]
) -> None:
    seed_rows = read_seed(seed)
    messages = _parse(_rows(seed, label) + _noise(label, seed_rows[0]["department"]))
    table = unit_message_table(messages, period=Q2, reply_limit_working_days=LIMIT, box=box)
    assert [r.unit for r in table] == [r["department"] for r in seed_rows]
    for row, seed_row in zip(table, seed_rows, strict=True):
        assert row.letters_received == int(seed_row["letters_received"]), row.unit
        assert row.letters_replied == int(seed_row["letters_replied"]), row.unit
        expected_open = tuple(i for i in seed_row["unreplied_letter_ids"].split(";") if i)
        assert row.open_message_ids == expected_open, row.unit
        assert row.open == row.letters_received - row.letters_replied
        for message_id in row.overdue_message_ids:
            assert add_working_days(OPEN_RECEIVED[message_id], LIMIT) < Q2[1]
    total = table_totals(table)
    assert (total.letters_received, total.letters_replied) == totals


def test_overdue_counts_by_working_days() -> None:
    seed = "000_a4_department_messages.csv"
    messages = _parse(_rows(seed, "部门留言"))
    table = {
        r.unit: r for r in unit_message_table(messages, period=Q2, reply_limit_working_days=LIMIT)
    }
    assert table["察尔汗行委"].overdue == 0  # received 6-24, due 7-1
    assert table["青海盐湖工业股份有限公司"].overdue_message_ids == ("2024050021",)
    assert table["国家电网海西供电公司"].overdue_message_ids == ("2024060014",)
    assert table_totals(table.values()).overdue == 5
    # One more week and every open letter is overdue.
    later = unit_message_table(
        messages, period=Q2, reply_limit_working_days=LIMIT, as_of=dt.datetime(2024, 7, 10, 9)
    )
    assert table_totals(later).overdue == 9


def test_answer_after_the_cutoff_is_open_and_late_answers_counted() -> None:
    messages = [
        CitizenMessage(
            "A1",
            MessageBox.MAYOR_MAILBOX,
            "市教育局",
            dt.datetime(2024, 6, 25, 9),
            dt.datetime(2024, 7, 3, 9),
            MessageStatus.CLOSED,
        ),
        CitizenMessage(
            "A2",
            MessageBox.MAYOR_MAILBOX,
            "市教育局",
            dt.datetime(2024, 6, 7, 9),
            dt.datetime(2024, 6, 18, 9),
            MessageStatus.CLOSED,
        ),  # due 6-17
    ]
    (row,) = unit_message_table(messages, period=Q2, reply_limit_working_days=LIMIT)
    assert (row.letters_received, row.letters_replied, row.open_message_ids) == (2, 1, ("A1",))
    assert row.replied_late == 1
