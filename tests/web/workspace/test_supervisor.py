"""The supervisor side: decide findings, send problem lists, follow and close items."""

from __future__ import annotations

import re
from typing import Any

from govwatch.web.inspections.models import AuditEntry
from govwatch.web.tickets.models import ItemEvent, ProblemItem, ProblemList
from tests.web.workspace.conftest import World, messages_of


def test_work_home_counts_in_scope(world: World) -> None:
    html = world.client("sup").get("/supervise/inspections/").content.decode()
    assert f'href="/supervise/inspections/{world.inspection.pk}/"' in html
    row = re.search(r"2024Q2</a>.*?</tr>", html, re.S)
    assert row is not None
    # Two results (A1, A2) and two open problems in city A; city B's are not counted.
    assert re.findall(r'<td class="num">(?:<a [^>]*>)?(\d+)', row.group(0)) == ["2", "2", "0"]


def test_inspection_page_shows_findings_in_scope_with_forms(world: World) -> None:
    client = world.client("sup")
    page = client.get(f"/supervise/inspections/{world.inspection.pk}/")
    html = page.content.decode()
    a1, b = world.findings["a1"], world.findings["b"]
    assert f'class="decide" data-finding="{a1.pk}"' in html
    assert f'action="/supervise/findings/{a1.pk}/decide/"' in html
    assert 'name="action" value="confirmed"' in html and 'name="action" value="dismissed"' in html
    assert 'id="send-lists"' in html
    assert "首页存在不可用链接" in html and "乙市网站存在不可用链接" not in html
    assert "仅提示，不算问题" not in html  # info is no problem
    assert f'data-finding="{b.pk}"' not in html
    assert f'href="{a1.evidence["url"]}" rel="noopener"' in html
    assert "待确认" in html and "不合格" in html

    only_confirmed = client.get(f"/supervise/inspections/{world.inspection.pk}/?state=confirmed")
    assert "首页存在不可用链接" not in only_confirmed.content.decode()


def test_decide_then_send(world: World) -> None:
    client = world.client("sup")
    a1, a2, b = world.findings["a1"], world.findings["a2"], world.findings["b"]

    # Confirm with no reason: the default reason is recorded.
    response = client.post(
        f"/supervise/findings/{a1.pk}/decide/", {"action": "confirmed", "reason": "", "page": "1"}
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/supervise/inspections/{world.inspection.pk}/?page=1#finding-{a1.pk}"
    )
    a1.refresh_from_db()
    assert (a1.state, a1.state_reason) == ("confirmed", "监管人员确认")
    assert AuditEntry.objects.filter(finding=a1, action="confirmed").exists()

    # Dismiss without a reason: refused, with the reason why.
    refused = client.post(
        f"/supervise/findings/{a2.pk}/decide/", {"action": "dismissed", "reason": " "}, follow=True
    )
    assert "排除问题必须填写理由" in messages_of(refused)
    a2.refresh_from_db()
    assert a2.state == "open"
    client.post(
        f"/supervise/findings/{a2.pk}/decide/", {"action": "dismissed", "reason": "链接已核实可用"}
    )
    a2.refresh_from_db()
    assert (a2.state, a2.state_reason) == ("dismissed", "链接已核实可用")

    # City B's finding, confirmed by its own supervisor, is not city A's to send.
    world.client("outsider").post(f"/supervise/findings/{b.pk}/decide/", {"action": "confirmed"})
    b.refresh_from_db()
    assert b.state == "confirmed"

    sent = client.post(f"/supervise/inspections/{world.inspection.pk}/send/", follow=True)
    assert "已向 1 个单位下发问题清单，共 1 条问题" in messages_of(sent)
    problem_list = ProblemList.objects.get()
    assert problem_list.unit == world.unit_a1 and problem_list.sent_by == world.users["sup"]
    assert list(problem_list.items.values_list("finding", flat=True)) == [a1.pk]

    # A sent finding has no decide form any more, and sending again sends nothing.
    html = client.get(f"/supervise/inspections/{world.inspection.pk}/").content.decode()
    assert f'data-finding="{a1.pk}"' not in html and "已下发" in html
    again = client.post(f"/supervise/inspections/{world.inspection.pk}/send/", follow=True)
    assert "没有待下发的已确认问题" in messages_of(again)
    decided = client.post(
        f"/supervise/findings/{a1.pk}/decide/", {"action": "dismissed", "reason": "x"}, follow=True
    )
    assert any("已下发至问题清单" in m for m in messages_of(decided))
    assert ProblemItem.objects.count() == 1


def test_unknown_action_is_refused(world: World) -> None:
    a1 = world.findings["a1"]
    response = world.client("sup").post(
        f"/supervise/findings/{a1.pk}/decide/", {"action": "waived", "reason": "x"}, follow=True
    )
    assert any("未知操作" in m for m in messages_of(response))
    a1.refresh_from_db()
    assert a1.state == "open"


def test_lists_list_and_item_pages(world: World, sent: dict[str, Any]) -> None:
    client = world.client("sup")
    html = client.get("/supervise/lists/").content.decode()
    assert "甲市教育局" in html and "甲市卫生健康委员会" in html and "乙市人民政府" not in html
    assert "剩余10个工作日" in html and "2024年7月29日" in html
    assert "剩余10个工作日" in client.get("/supervise/lists/?state=open").content.decode()
    assert "甲市教育局" not in client.get("/supervise/lists/?state=closed").content.decode()

    problem_list = sent["lists"]["a1"]
    item = sent["items"]["a1"]
    listing = client.get(f"/supervise/lists/{problem_list.pk}/").content.decode()
    assert f'class="item-link" href="/supervise/items/{item.pk}/"' in listing
    assert "已下发" in listing

    page = client.get(f"/supervise/items/{item.pk}/").content.decode()
    assert "首页存在不可用链接" in page and "办理记录" in page and "下发" in page
    assert 'id="close-form"' in page and 'id="close-item"' in page
    assert 'id="reopen-form"' not in page  # nothing submitted yet
    assert 'id="appeal-decide-form"' not in page


def test_close_needs_a_note_until_recheck_passed(world: World, sent: dict[str, Any]) -> None:
    client = world.client("sup")
    item = sent["items"]["a1"]
    refused = client.post(f"/supervise/items/{item.pk}/close/", {"note": ""}, follow=True)
    assert "复查未通过或尚未复查的条目，办结时必须填写审核意见" in messages_of(refused)
    item.refresh_from_db()
    assert item.state == "sent"

    closed = client.post(
        f"/supervise/items/{item.pk}/close/", {"note": "经人工核实已整改"}, follow=True
    )
    assert "条目已办结" in messages_of(closed)
    item.refresh_from_db()
    assert (item.state, item.decision_reason) == ("closed", "经人工核实已整改")
    event = ItemEvent.objects.filter(item=item).last()
    assert event is not None and (event.action, event.user) == ("close", world.users["sup"])
    html = closed.content.decode()
    assert "已办结" in html and "经人工核实已整改" in html and 'id="close-form"' not in html


def test_reopen_and_appeal_decisions(world: World, sent: dict[str, Any]) -> None:
    from govwatch.web.tickets.services import (
        problem_item_answer,
        problem_item_appeal,
        problem_item_submit,
    )

    sup, op1, op2 = world.client("sup"), world.users["op1"], world.users["op2"]
    item = sent["items"]["a1"]
    problem_item_answer(item, op1, "已修复链接")
    problem_item_submit(item, op1)  # the re-check runs after commit: not in this test
    page = sup.get(f"/supervise/items/{item.pk}/").content.decode()
    assert 'id="reopen-form"' in page and 'id="reopen-item"' in page

    refused = sup.post(f"/supervise/items/{item.pk}/reopen/", {"note": ""}, follow=True)
    assert "退回必须填写理由" in messages_of(refused)
    sup.post(f"/supervise/items/{item.pk}/reopen/", {"note": "链接仍然无法打开"})
    item.refresh_from_db()
    assert item.state == "rectifying" and item.decision_reason == "链接仍然无法打开"

    appealed = sent["items"]["a2"]
    problem_item_appeal(appealed, op2, "该链接为外部网站，不属于本单位")
    page = sup.get(f"/supervise/items/{appealed.pk}/").content.decode()
    assert (
        'id="appeal-decide-form"' in page
        and 'id="appeal-accept"' in page
        and 'id="appeal-reject"' in page
    )
    assert "该链接为外部网站" in page

    no_reason = sup.post(
        f"/supervise/items/{appealed.pk}/appeal-decide/", {"accept": "1"}, follow=True
    )
    assert "申诉审核必须填写理由" in messages_of(no_reason)
    sup.post(
        f"/supervise/items/{appealed.pk}/appeal-decide/",
        {"accept": "0", "reason": "属于本单位链接"},
    )
    appealed.refresh_from_db()
    assert appealed.state == "appeal_rejected"

    # The appeal's history shows who did what, state before → after.
    html = sup.get(f"/supervise/items/{appealed.pk}/").content.decode()
    assert "申诉中 → 申诉驳回" in html and "属于本单位链接" in html and "op2" in html


def test_appeal_accepted_dismisses_the_finding(world: World, sent: dict[str, Any]) -> None:
    from govwatch.web.tickets.services import problem_item_appeal

    item = sent["items"]["a1"]
    problem_item_appeal(item, world.users["op1"], "不是问题")
    response = world.client("sup").post(
        f"/supervise/items/{item.pk}/appeal-decide/",
        {"accept": "1", "reason": "核实不是问题"},
        follow=True,
    )
    assert "申诉成立，条目已办结" in messages_of(response)
    item.refresh_from_db()
    world.findings["a1"].refresh_from_db()
    assert item.state == "appeal_accepted" and world.findings["a1"].state == "dismissed"


def test_stats_table(world: World, sent: dict[str, Any]) -> None:
    from govwatch.web.tickets.services import problem_item_close

    problem_item_close(sent["items"]["a1"], world.users["sup"], "已核实")
    html = world.client("sup").get("/supervise/stats/").content.decode()
    table = html[html.index('id="completion-table"') : html.index("</table>")]
    # City A is one region: A1 (closed) and A2 (open) make 50 %, its 合计 the same.
    assert "甲市人民政府" in table and "乙市人民政府" not in table
    assert table.count("50.00%") == 2 and "合计" in table
    by_unit = html[html.index('id="completion-by-unit"') :]
    assert "甲市教育局" in by_unit and "100.00%" in by_unit
    assert "甲市卫生健康委员会" in by_unit and "0.00%" in by_unit
    assert 'href="/supervise/stats/?period=2024Q2"' in html
    assert "50.00%" in world.client("sup").get("/supervise/stats/?period=2024Q2").content.decode()
    none = world.client("sup").get("/supervise/stats/?period=2023Q4").content.decode()
    assert "50.00%" in none  # an unknown period is ignored: all periods

    theirs = world.client("outsider").get("/supervise/stats/").content.decode()
    assert "乙市人民政府" in theirs and "甲市" not in theirs


def test_findings_are_paginated_keeping_the_filter(world: World) -> None:
    from tests.web.workspace.conftest import make_finding

    result = world.findings["a1"].result
    for n in range(55):
        make_finding(result, "LNK002", "warning", f"第{n}个问题", target_id=f"http://x/{n}")
    client = world.client("sup")
    url = f"/supervise/inspections/{world.inspection.pk}/?state=open"
    first = client.get(url).content.decode()
    assert first.count('class="decide"') == 50
    assert "?state=open&amp;page=2" in first and "第 1 / 2 页，共 57 条" in first
    second = client.get(url + "&page=2").content.decode()
    assert second.count('class="decide"') == 7
    assert 'name="page" value="2"' in second and 'name="state" value="open"' in second
    assert client.get(url + "&page=abc").status_code == 200
