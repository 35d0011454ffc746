"""Who sees what: an object outside the scope is a 404 on every page and action; a page of
the other side is a 404; a reader sees the supervisor pages with no form and is refused
every change."""

from __future__ import annotations

from typing import Any

import pytest

from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem
from tests.web.workspace.conftest import World

PDF = b"%PDF-1.4\n%%EOF\n"


def _attachment(item: ProblemItem, world: World) -> Attachment:
    from govwatch.web.tickets.services import attachment_add

    return attachment_add(item, world.users["op1"], "材料.pdf", [PDF])


def _work_object_urls(world: World, sent: dict[str, Any]) -> list[tuple[str, str]]:
    item, problem_list = sent["items"]["a1"], sent["lists"]["a1"]
    finding = world.findings["a2"]  # in city A: confirmed and sent
    return [
        ("get", f"/supervise/lists/{problem_list.pk}/"),
        ("get", f"/supervise/items/{item.pk}/"),
        ("post", f"/supervise/findings/{finding.pk}/decide/"),
        ("post", f"/supervise/items/{item.pk}/close/"),
        ("post", f"/supervise/items/{item.pk}/reopen/"),
        ("post", f"/supervise/items/{item.pk}/appeal-decide/"),
    ]


def _portal_object_urls(item: ProblemItem) -> list[tuple[str, str]]:
    return [
        ("get", f"/portal/lists/{item.problem_list_id}/"),
        ("get", f"/portal/items/{item.pk}/"),
        ("post", f"/portal/items/{item.pk}/answer/"),
        ("post", f"/portal/items/{item.pk}/upload/"),
        ("post", f"/portal/items/{item.pk}/submit/"),
        ("post", f"/portal/items/{item.pk}/appeal/"),
    ]


def test_outsider_gets_404_on_every_object(world: World, sent: dict[str, Any]) -> None:
    client = world.client("outsider")
    attachment = _attachment(sent["items"]["a1"], world)
    world.findings["a2"].refresh_from_db()
    urls = [*_work_object_urls(world, sent), ("get", f"/files/{attachment.pk}/")]
    urls += _portal_object_urls(sent["items"]["a1"])
    for method, url in urls:
        data = {"action": "dismissed", "reason": "x", "note": "x", "accept": "1", "answer": "x"}
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    # Nothing moved, and city A's lists are not even listed.
    assert ItemEvent.objects.filter(item=sent["items"]["a1"]).count() == 2  # send + upload
    world.findings["a2"].refresh_from_db()
    assert world.findings["a2"].state == "confirmed"
    html = client.get("/supervise/lists/").content.decode()
    assert "甲市教育局" not in html and "乙市人民政府" in html
    page = client.get(f"/supervise/inspections/{world.inspection.pk}/").content.decode()
    assert "首页存在不可用链接" not in page and "乙市网站存在不可用链接" in page


@pytest.mark.parametrize(
    "url",
    [
        "/supervise/",
        "/supervise/lists/",
        "/supervise/stats/",
        "/supervise/inspections/{inspection}/",
        "/supervise/lists/{list}/",
        "/supervise/items/{item}/",
    ],
)
def test_unit_operator_gets_404_on_supervisor_pages(
    world: World, sent: dict[str, Any], url: str
) -> None:
    own = sent["items"]["a1"]
    url = url.format(inspection=world.inspection.pk, list=own.problem_list_id, item=own.pk)
    assert world.client("op1").get(url).status_code == 404


def test_unit_operator_gets_404_on_supervisor_actions(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op1")
    own = sent["items"]["a1"]
    for url in (
        f"/supervise/findings/{world.findings['a2'].pk}/decide/",
        f"/supervise/inspections/{world.inspection.pk}/send/",
        f"/supervise/items/{own.pk}/close/",
        f"/supervise/items/{own.pk}/reopen/",
        f"/supervise/items/{own.pk}/appeal-decide/",
    ):
        assert client.post(url, {"note": "x", "reason": "x", "accept": "1"}).status_code == 404, url
    own.refresh_from_db()
    assert own.state == "sent"


def test_unit_operator_gets_404_on_another_units_items(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op1")
    for key in ("a2", "b"):
        other = sent["items"][key]
        for method, url in _portal_object_urls(other):
            response = (
                client.post(url, {"answer": "x", "reason": "x"})
                if method == "post"
                else client.get(url)
            )
            assert response.status_code == 404, url
        other.refresh_from_db()
        assert other.state == "sent" and other.problem_list.received_at is None


def test_supervisors_and_readers_get_404_on_the_portal(world: World, sent: dict[str, Any]) -> None:
    item = sent["items"]["a1"]
    for who in ("sup", "reader", "outsider"):
        client = world.client(who)
        assert client.get("/portal/").status_code == 404, who
        for method, url in _portal_object_urls(item):
            response = client.post(url, {"answer": "x"}) if method == "post" else client.get(url)
            assert response.status_code == 404, (who, url)


def test_reader_sees_everything_without_forms(world: World, sent: dict[str, Any]) -> None:
    from govwatch.web.tickets.services import (
        problem_item_answer,
        problem_item_appeal,
        problem_item_submit,
    )

    client = world.client("reader")
    submitted, appealed = sent["items"]["a1"], sent["items"]["a2"]
    problem_item_answer(submitted, world.users["op1"], "已整改")
    problem_item_submit(submitted, world.users["op1"])
    problem_item_appeal(appealed, world.users["op2"], "不是问题")

    pages = [
        "/supervise/",
        f"/supervise/inspections/{world.inspection.pk}/",
        "/supervise/lists/",
        f"/supervise/lists/{submitted.problem_list_id}/",
        f"/supervise/items/{submitted.pk}/",
        f"/supervise/items/{appealed.pk}/",
        "/supervise/stats/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # The logout button is the only form a reader can post (filters are GET forms).
        assert html.count('method="post"') == 1 and 'action="/logout/"' in html, url
        for marker in ('class="decide"', 'id="send-lists"', 'id="close-form"', 'id="reopen-form"',
                       'id="appeal-decide-form"', "<textarea"):  # fmt: skip
            assert marker not in html, (url, marker)
    assert "首页存在不可用链接" in client.get(f"/supervise/items/{submitted.pk}/").content.decode()


def test_reader_posts_are_refused(world: World, sent: dict[str, Any]) -> None:
    client = world.client("reader")
    item = sent["items"]["a1"]
    finding = world.findings["a2"]
    finding.refresh_from_db()
    before = (finding.state, item.state, ProblemItem.objects.count())
    for url in (
        f"/supervise/findings/{finding.pk}/decide/",
        f"/supervise/inspections/{world.inspection.pk}/send/",
        f"/supervise/items/{item.pk}/close/",
        f"/supervise/items/{item.pk}/reopen/",
        f"/supervise/items/{item.pk}/appeal-decide/",
    ):
        response = client.post(
            url, {"action": "dismissed", "reason": "x", "note": "x", "accept": "1"}
        )
        assert response.status_code == 403, url
    finding.refresh_from_db()
    item.refresh_from_db()
    assert (finding.state, item.state, ProblemItem.objects.count()) == before


def test_get_on_an_action_is_not_allowed(world: World, sent: dict[str, Any]) -> None:
    item = sent["items"]["a1"]
    assert world.client("sup").get(f"/supervise/items/{item.pk}/close/").status_code == 405
    assert world.client("op1").get(f"/portal/items/{item.pk}/answer/").status_code == 405
