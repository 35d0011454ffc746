"""Seed 004 附件3 (问题清单办理情况 by city) rebuilt from problem-list records: a registry of
cities under a province, an inspection whose confirmed findings are sent through the
tickets services and closed through them, then the rows, the scope, the bulletin's
paragraph and annex; and the previous period's rectification and the problems sent again.

Nothing here hands the selectors a figure: the CSV only says how many findings to create
and how many items to close, and the counts and rates are read back from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from govwatch.engine.profiles import RateFormat
from govwatch.engine.reports import schemas
from govwatch.engine.reports.bulletin import compose, load_template
from govwatch.engine.reports.docx_writer import Para
from govwatch.engine.reports.records import Record, count, text
from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.reports.services import bulletin_data
from govwatch.web.tickets import services as tickets
from govwatch.web.tickets.models import ProblemItem
from govwatch.web.tickets.selectors import (
    COUNT_KEYS,
    completion_rate_text,
    previous_period_rectification,
    problem_completion_by_unit,
    problem_completion_rows,
    recurring_items,
)
from govwatch.web.users.selectors import Scope, units_below
from tests.engine.reports.seeds import records
from tests.helpers import stated

pytestmark = pytest.mark.django_db

SEED = "004_a3_ticket_completion.csv"
DEADLINE = dt.date(2024, 7, 15)
PROVINCE = "陕西省人民政府"


@dataclass(frozen=True)
class Region:
    """A city (or the 省直单位 group) with what its problems are about."""

    unit: Unit
    office: Unit  # a department: the column's 保障单位
    bureau: Unit  # a unit under the office: opens the account
    site: Site  # operated by the city government itself
    column: Column
    account: Account


def region_build(province: Unit, name: str, number: int) -> Region:
    """The registry rows of one region. 省直单位 is a node of the tree like a city is:
    the grouping comes from the registry, never from the selectors."""
    unit = Unit.objects.create(name=name, parent=province, level="prefecture", kind="government")
    office = Unit.objects.create(
        name=f"{name}政务公开办公室", parent=unit, level="prefecture", kind="department"
    )
    bureau = Unit.objects.create(
        name=f"{name}政务服务中心", parent=office, level="prefecture", kind="other"
    )
    site = Site.objects.create(
        site_code=f"61{number:08d}",
        name=f"{name}门户网站",
        home_url=f"https://r{number}.example.gov.cn/",
        kind="gov_portal",
        operating_unit=unit,
        status="running",
    )
    column = Column.objects.create(
        site=site, name="通知公告", url=f"https://r{number}.example.gov.cn/tzgg/", kind="other"
    )
    column.responsible_units.add(office)
    account = Account.objects.create(
        platform="wechat_subscription_account",
        name=f"{name}发布",
        opening_unit=bureau,
        status="running",
    )
    return Region(unit, office, bureau, site, column, account)


def finding(result: InspectionResult, kind: str, key: str) -> InspectionFinding:
    """A confirmed finding on a page of the site, one of its columns, or the account."""
    if kind == "account":
        code, target_kind, target = "NMA005", "account", str(result.account_id)
    elif kind == "column":
        assert result.site is not None
        code, target_kind = "UPD005", "column"
        target = result.site.columns.get().url
    else:
        assert result.site is not None
        code, target_kind, target = "LNK002", "link", f"{result.site.home_url}p/{key}"
    created: InspectionFinding = InspectionFinding.objects.create(
        result=result,
        code=code,
        slug=code.lower(),
        severity="deduction",
        target_kind=target_kind,
        target_id=target,
        message=f"检查发现的问题 {key}",
        evidence={},
        points=1,
        fingerprint=key[:32],
        state="confirmed",
    )
    return created


def inspection_new(period: str, start: dt.date, end: dt.date) -> Inspection:
    inspection: Inspection = Inspection.objects.create(
        period=period, period_start=start, period_end=end, profile="shaanxi-2024"
    )
    return inspection


def results_for(inspection: Inspection, region: Region) -> tuple[InspectionResult, ...]:
    site = InspectionResult.objects.create(
        inspection=inspection, site=region.site, verdict="qualified", score=90
    )
    account = InspectionResult.objects.create(
        inspection=inspection, account=region.account, verdict="qualified", score=90
    )
    return site, account


def close(items: list[ProblemItem], user: Any) -> None:
    """The unit answers, the supervisor closes (no re-check passed: a note is required)."""
    for item in items:
        tickets.problem_item_answer(item, user, "已完成整改")
        tickets.problem_item_close(item, user, note="经人工核实已整改")


@pytest.fixture
def supervisor() -> Any:
    return get_user_model().objects.create_user("jianguan", password="Pass-2024-xyz!")


@pytest.fixture
def seed_rows() -> list[Record]:
    return records(SEED, schemas.TICKET_COMPLETION)


@pytest.fixture
def seeded(seed_rows: list[Record], supervisor: Any) -> dict[str, Any]:
    """The seed's period with one region per CSV row: findings created, sent, closed."""
    province = Unit.objects.create(name=PROVINCE, level="province", kind="government")
    inspection = inspection_new("2024Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    regions: dict[str, Region] = {}
    found: list[InspectionFinding] = []
    for number, row in enumerate(seed_rows, start=1):
        name = text(row, "region_or_unit")
        region = regions[name] = region_build(province, name, number)
        site_result, account_result = results_for(inspection, region)
        for i in range(count(row, "website_tickets")):
            kind = "column" if i % 3 == 0 else "link"  # column items count as the website's
            found.append(finding(site_result, kind, f"r{number}w{i}"))
        for i in range(count(row, "new_media_tickets")):
            found.append(finding(account_result, "account", f"r{number}m{i}"))
    # A finding still to be confirmed is never sent, so never counted.
    unconfirmed = finding(site_result, "link", "not-confirmed")
    unconfirmed.state = "open"
    unconfirmed.save()
    found.append(unconfirmed)

    lists = tickets.problem_lists_send(
        inspection, user=supervisor, findings=found, deadline=DEADLINE
    )
    # One list per responsible unit: the city (its pages), its office (the column), its
    # bureau (the account), each only when it has something to answer for.
    expected = sum(
        int(count(r, "website_tickets") > 1)
        + int(count(r, "website_tickets") > 0)
        + int(count(r, "new_media_tickets") > 0)
        for r in seed_rows
    )
    assert len(lists) == expected
    for row in seed_rows:
        region = regions[text(row, "region_or_unit")]
        website = list(ProblemItem.objects.filter(site=region.site).order_by("pk"))
        media = list(ProblemItem.objects.filter(account=region.account).order_by("pk"))
        close(website[: count(row, "website_tickets_closed")], supervisor)
        closing = media[: count(row, "new_media_tickets_closed")]
        if closing and row is seed_rows[-1]:
            # An accepted appeal ends an item as 办结 too (DONE), through its own service.
            appealed, closing = closing[0], closing[1:]
            tickets.problem_item_appeal(appealed, supervisor, "该账号已提供留言功能")
            tickets.problem_item_appeal_decide(appealed, supervisor, True, "核实已提供")
        close(closing, supervisor)
        for item in media[count(row, "new_media_tickets_closed") :]:
            tickets.problem_item_answer(item, supervisor, "正在整改")  # answered, still open
    return {"inspection": inspection, "regions": regions, "province": province}


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {text(r, "region_or_unit"): r for r in rows}


def test_rows_by_city_equal_the_seed_annex(seeded: dict[str, Any], seed_rows: list[Record]) -> None:
    rows = by_name(problem_completion_rows(seeded["inspection"]))
    assert set(rows) == {text(r, "region_or_unit") for r in seed_rows}
    for seed in seed_rows:
        row = rows[text(seed, "region_or_unit")]
        assert [row[key] for key in COUNT_KEYS] == [seed[key] for key in COUNT_KEYS], seed
        assert row["rectification_rate_pct_stated"] == seed["rectification_rate_pct_stated"]
        assert row["completion_rate_zh"] == f"{seed['rectification_rate_pct_stated']}%"
    assert rows["渭南市"]["completion_rate_zh"] == "97.83%"
    assert rows["渭南市"]["rectification_rate_pct_stated"] == Decimal("97.83")
    # The same rows by a period label, and nothing for a period without lists.
    assert problem_completion_rows("2024Q2") == problem_completion_rows(seeded["inspection"])
    assert problem_completion_rows("2024Q1") == []
    assert completion_rate_text(0, 0, RateFormat(2, "half_up")) == "—"  # never 0 / 0


def test_rows_by_unit_split_city_office_and_bureau(
    seeded: dict[str, Any], seed_rows: list[Record]
) -> None:
    units = problem_completion_by_unit(seeded["inspection"])
    weinan = [r for r in units if r["region"] == "渭南市"]
    assert [r["region_or_unit"] for r in weinan] == [
        "渭南市",  # the site's own pages: its 主办单位
        "渭南市政务公开办公室",  # the column's 保障单位
        "渭南市政务服务中心",  # the account's 开设主体
    ]
    seed = next(r for r in seed_rows if text(r, "region_or_unit") == "渭南市")
    bureau = weinan[2]
    assert (bureau["tickets_total"], bureau["tickets_closed"]) == (
        count(seed, "new_media_tickets"),
        count(seed, "new_media_tickets_closed"),
    )
    assert sum(count(r, "website_tickets") for r in weinan) == count(seed, "website_tickets")
    assert sum(count(r, "tickets_total") for r in units) == stated("004.a3.total_tickets")


def test_a_scope_sees_its_own_region_only(seeded: dict[str, Any]) -> None:
    weinan = seeded["regions"]["渭南市"]
    region = Scope(role="supervisor", units=units_below(weinan.unit.pk), unit_id=weinan.unit.pk)
    rows = problem_completion_rows(seeded["inspection"], region)
    assert [r["region_or_unit"] for r in rows] == ["渭南市"]
    assert rows == [by_name(problem_completion_rows(seeded["inspection"]))["渭南市"]]
    operator = Scope(
        role="unit_operator", units=frozenset({weinan.bureau.pk}), unit_id=weinan.bureau.pk
    )
    [own] = problem_completion_by_unit(seeded["inspection"], operator)
    assert own["region_or_unit"] == "渭南市政务服务中心" and own["website_tickets"] == 0
    nothing = Scope(role="", units=frozenset())
    assert problem_completion_rows(seeded["inspection"], nothing) == []


def test_the_bulletin_states_the_seed_figures(
    seeded: dict[str, Any], seed_rows: list[Record]
) -> None:
    data = bulletin_data(seeded["inspection"])
    document = compose(data, load_template())
    body = "\n".join(p.text for p in document.body if isinstance(p, Para))
    total, closed = stated("004.a3.total_tickets"), stated("004.a3.total_closed")
    rate = f"{stated('004.body.completion_rate'):.2f}%"
    assert (
        f"问题清单办理情况。转办的问题清单{total}个，其中已办结{closed}个，办结率为{rate}" in body
    )
    # The cities that closed everything, named as the seed names them, in its order (the
    # registry was built in the seed's order, and the rows keep the registry's order).
    full = [
        text(r, "region_or_unit") for r in seed_rows if r["tickets_closed"] == r["tickets_total"]
    ]
    assert f"，{'、'.join(full)}办结率均为100.00%（详见附件" in body
    annex = next(t for t in document.annexes if t.key == "ticket_completion")
    assert annex.total("问题总数") == total and annex.total("已办结总数") == closed
    assert annex.total("整改率") == rate
    assert annex.total("政务新媒体/已办结") == stated("004.a3.new_media_closed")
    # The annex in the seed's order: rate descending, ties in registry order.
    assert [row.cells[1] for row in annex.data_rows()] == [
        text(r, "region_or_unit") for r in seed_rows
    ]
    assert annex.data_rows()[-1].cells[1:3] == ("渭南市", "97.83%")
    # No earlier period, no repeated problem: neither section appears.
    assert data.previous_period is None and not data.recurring
    assert "上期问题整改情况" not in body and "经多次通报" not in body


def test_previous_period_and_problems_sent_again(supervisor: Any) -> None:
    """Q1 and Q2 both sent the prison's missing interaction; Q3 finds it again."""
    province = Unit.objects.create(name=PROVINCE, level="province", kind="government")
    prison = region_build(province, "陕西省渭南监狱", 1)
    quarters = [
        inspection_new("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        inspection_new("2024Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        inspection_new("2024Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
    ]
    for inspection in quarters:
        site_result, account_result = results_for(inspection, prison)
        sent = [
            finding(account_result, "account", "no-interaction"),  # the same problem each time
            finding(site_result, "link", f"{inspection.period}-link"),
        ]
        tickets.problem_lists_send(inspection, user=supervisor, findings=sent, deadline=DEADLINE)
        if inspection.period == "2024Q2":
            close(
                list(ProblemItem.objects.filter(problem_list__period="2024Q2", site__isnull=False)),
                supervisor,
            )
    q3 = quarters[-1]

    previous = previous_period_rectification(q3)
    assert previous is not None
    assert (previous.period, previous.sent, previous.closed, previous.still_open) == (
        "2024Q2",
        2,
        1,
        1,
    )
    assert previous.open_units == [("陕西省渭南监狱政务服务中心", 1)]
    assert previous.rate_zh == "50.00%"
    assert previous_period_rectification(quarters[0]) is None  # nothing before Q1

    [again] = recurring_items(q3)
    assert (again.account_id, again.recurrence) == (prison.account.pk, 2)
    assert recurring_items(quarters[0]) == []

    document = compose(bulletin_data(q3), load_template())
    paragraphs = [p for p in document.body if isinstance(p, Para)]
    headings = [p.text for p in paragraphs if p.style == "heading1"]
    assert headings == [
        "一、总体情况",
        "二、存在问题",
        "三、上期问题整改情况",
        "四、下一步工作要求",
    ]
    body = "\n".join(p.text for p in paragraphs)
    assert (
        "2024年第二季度转办的问题清单2个，已办结1个，办结率为50.00%；"
        "尚有1个问题未办结，涉及陕西省渭南监狱政务服务中心1个。"
    ) in body
    assert (
        "问题整改不到位。陕西省渭南监狱政务服务中心微信订阅号“陕西省渭南监狱发布”"
        "未提供有效互动功能（此前已通报2次），经多次通报依然未整改。"
    ) in body
    # Q3's own lists: nothing closed yet.
    assert "转办的问题清单2个，其中已办结0个，办结率为0.00%" in body
