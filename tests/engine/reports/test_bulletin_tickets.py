"""The bulletin's problem-list parts from plain values: 上期问题整改情况 (its own section, only
when there is a previous period) and the problems sent again (经多次通报依然未整改)."""

from __future__ import annotations

from govwatch.engine.reports.bulletin import (
    BulletinData,
    PreviousPeriod,
    RecurringProblem,
    compose,
)
from govwatch.engine.reports.docx_writer import Para

from .issued import office_template


def paragraphs(data: BulletinData) -> list[Para]:
    document = compose(data, office_template())
    return [p for p in document.body if isinstance(p, Para)]


def body(data: BulletinData) -> str:
    return "\n".join(p.text for p in paragraphs(data))


def headings(data: BulletinData) -> list[str]:
    return [p.text for p in paragraphs(data) if p.style == "heading1"]


def data(**parts: object) -> BulletinData:
    return BulletinData("2024年第三季度", sites_checked=4, accounts_checked=3, **parts)  # type: ignore[arg-type]


def test_previous_period_gets_its_own_numbered_section() -> None:
    previous = PreviousPeriod(
        "2024年第二季度", sent=46, closed=43, open_units=[("渭南市地方志办", 2), ("渭南监狱", 1)]
    )
    assert headings(data(previous_period=previous)) == [
        "一、总体情况",
        "二、存在问题",
        "三、上期问题整改情况",
        "四、下一步工作要求",
    ]
    assert (
        "2024年第二季度转办的问题清单46个，已办结43个，办结率为93.48%；"
        "尚有3个问题未办结，涉及渭南市地方志办2个、渭南监狱1个。"
    ) in body(data(previous_period=previous))
    all_done = PreviousPeriod("2024年第二季度", sent=5, closed=5)
    assert "已办结5个，办结率为100.00%，问题均已办结。" in body(data(previous_period=all_done))
    # Without a previous period the document keeps its three sections.
    assert headings(data()) == ["一、总体情况", "二、存在问题", "三、下一步工作要求"]


def test_nothing_sent_last_period_is_never_a_division_by_zero() -> None:
    empty = PreviousPeriod("2024年第二季度", sent=0, closed=0)
    assert "2024年第二季度未转办问题清单。" in body(data(previous_period=empty))


def test_problems_sent_again_are_named_once_per_target_with_their_count() -> None:
    recurring = [
        RecurringProblem("陕西省渭南监狱", "微信订阅号“陕西省渭南监狱”", "未提供有效互动功能", 2),
        RecurringProblem("陕西省渭南监狱", "微信订阅号“陕西省渭南监狱”", "更新不及时", 1),
        RecurringProblem("省国资委", "“省国资委”网站“意见征集”栏目", "长期未更新", 1),
    ]
    text = body(data(recurring=recurring))
    assert (
        "问题整改不到位。陕西省渭南监狱微信订阅号“陕西省渭南监狱”未提供有效互动功能、更新不及时"
        "（此前已通报2次）；省国资委“省国资委”网站“意见征集”栏目长期未更新（此前已通报1次），"
        "经多次通报依然未整改。"
    ) in text
    # A problem to rectify: the requirement to report the rectification follows.
    assert "被通报单位要高度重视、立行立改，于2024年3月8日前将整改情况书面报送" in text
    assert "经多次通报" not in body(data())


def test_ticket_rows_drive_the_completion_paragraph() -> None:
    def row(name: str, web: tuple[int, int], media: tuple[int, int]) -> dict[str, object]:
        return {
            "region_or_unit": name,
            "tickets_total": web[0] + media[0],
            "tickets_closed": web[1] + media[1],
            "website_tickets": web[0],
            "website_tickets_closed": web[1],
            "new_media_tickets": media[0],
            "new_media_tickets_closed": media[1],
        }

    rows = [row("甲市", (2, 2), (1, 1)), row("乙市", (0, 0), (1, 0))]
    text = body(data(tickets=rows))
    assert "转办的问题清单4个，其中已办结3个，办结率为75.00%，甲市办结率均为100.00%" in text
