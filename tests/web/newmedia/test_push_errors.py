"""The push endpoint's errors, all JSON {"error": "<Chinese>"}: the token is judged first
(401 before anything of the body), then the size (413), then the body (400); a payload
valid as a whole answers 200 with its impossible post times listed as rejected. And the
tokens an operator issues: `govwatch posts token` and the accounts' admin action."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from govwatch.engine.newmedia.adapters.push import MAX_PAYLOAD_BYTES
from govwatch.web.newmedia.models import Post, PushToken, token_digest
from govwatch.web.newmedia.services import push_token_issue
from govwatch.web.registry.models import Account
from tests.helpers import write_workbook
from tests.test_cli import govwatch
from tests.web.newmedia import helpers as H
from tests.web.registry import helpers as R

GOOD = {"post_id": "wx-1", "title": "春耕动员", "published_at": "2024-02-23T09:30:00+08:00"}


@pytest.fixture
def account(db: None) -> Account:
    return H.account("开封发布", ingestion_source="push")


def _push(client: Client, account_id: int, body: bytes, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        f"/api/posts/push/{account_id}/", body, content_type="application/json", **headers
    )


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert list(data) == ["error"]
    message: str = data["error"]
    assert message and not message.isascii(), message  # Chinese
    return message


def test_the_token_is_judged_before_the_body(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    oversize = b"[" * (MAX_PAYLOAD_BYTES + 10)
    huge = b" " * (4 * 1024 * 1024)  # past Django's own 2.5 MB limit on request.body
    nested = b"[" * 100_000 + b"]" * 100_000
    for body in (oversize, huge, nested, b"{not json"):
        for account_id, presented in [
            (account.pk, None),
            (account.pk, token + "x"),
            (account.pk + 999, token),
            (2**70, token),  # no account can have this id
        ]:
            response = _push(client, account_id, body, presented)
            assert _error(response, 401) == "推送令牌无效"
            assert response["WWW-Authenticate"] == "Bearer"
    assert Post.objects.count() == 0


def test_oversize_is_413_json_whatever_django_would_say(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    for size in (MAX_PAYLOAD_BYTES + 1, 3 * 1024 * 1024, 8 * 1024 * 1024):
        body = json.dumps({"posts": [GOOD], "pad": "x" * size}).encode()
        assert "超过 2 MB" in _error(_push(client, account.pk, body, token), 413)
    # Just under the limit is judged as a payload.
    body = json.dumps({"posts": [GOOD], "pad": ""}).encode()
    body = body[:-2] + b"x" * (MAX_PAYLOAD_BYTES - len(body)) + body[-2:]
    assert len(body) == MAX_PAYLOAD_BYTES
    assert _push(client, account.pk, body, token).status_code == 200
    assert Post.objects.count() == 1


def test_unusable_bodies_are_400_json(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    deep_object = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    for body, words in [
        (b"[" * 100_000 + b"]" * 100_000, "嵌套层数过深"),
        (deep_object, "嵌套层数过深"),
        (b'{"posts": [], "n": ' + b"9" * 5000 + b"}", "数字过长"),
        (b'{"posts": [{"post_id": "x", "title": "\\ud800"}]}', "Unicode"),
        (b'{"posts": [], "x": "\xff"}', "UTF-8"),
        (b"{not json", "不是有效的 JSON"),
        (b"", "不是有效的 JSON"),
        (b"[1, 2]", "应为 JSON 对象"),
        (json.dumps({"posts": {"a": 1}}).encode(), "缺少 posts 列表"),
    ]:
        assert words in _error(_push(client, account.pk, body, token), 400), body[:40]
    assert Post.objects.count() == 0


def test_impossible_post_times_are_rejected_posts_not_a_500(
    client: Client, account: Account
) -> None:
    token = push_token_issue(account)
    posts = [
        GOOD,
        {"post_id": "wx-2", "published_at": "0001-01-01T00:00:00+08:00"},
        {"post_id": "wx-3", "published_at": "0001-01-01"},
        {"post_id": "wx-4", "published_at": "9999-12-31T23:59:59-12:00"},
        {"post_id": "wx-5", "published_at": "1e999"},
    ]
    response = _push(client, account.pk, json.dumps({"posts": posts}).encode(), token)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["new"], data["duplicate"]) == (1, 0)
    assert [r["where"] for r in data["rejected"]] == [f"posts[{i}]" for i in (1, 2, 3, 4)]
    assert all("published_at" in r["reason"] for r in data["rejected"])
    assert list(Post.objects.values_list("post_id", flat=True)) == ["wx-1"]


def test_other_methods_are_405_json(client: Client, account: Account) -> None:
    for method in (client.get, client.put, client.delete):
        response = method(f"/api/posts/push/{account.pk}/")
        assert "POST" in _error(response, 405)
        assert response["Allow"] == "POST"


def test_admin_action_issues_a_token_shown_once(admin_client: Client, client: Client) -> None:
    first = H.account("开封发布", ingestion_source="push")
    second = H.account("开封交警", "sina_weibo")
    old = push_token_issue(second)
    response = admin_client.post(
        "/admin/registry/account/",
        {"action": "issue_push_tokens", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 2
    tokens = {}
    for account, text in zip((first, second), shown, strict=True):
        assert f"账号“{account.name}”" in text and "只显示这一次" in text
        tokens[account.pk] = text.split("的推送令牌：", 1)[1].split("（", 1)[0]
        stored = PushToken.objects.get(account=account).token_digest
        assert stored == token_digest(tokens[account.pk]) and tokens[account.pk] not in stored
    assert "原有令牌已失效" in shown[1] and "原有令牌已失效" not in shown[0]
    # Shown once: the next page does not repeat it.
    again = admin_client.get("/admin/registry/account/")
    assert tokens[first.pk] not in again.content.decode()
    # The issued token works, the replaced one does not.
    body = json.dumps({"posts": [GOOD]}).encode()
    assert _push(client, first.pk, body, tokens[first.pk]).status_code == 200
    assert _push(client, second.pk, body, old).status_code == 401
    assert _push(client, second.pk, body, tokens[second.pk]).status_code == 200


def test_admin_action_refuses_a_whole_page_at_once(admin_client: Client) -> None:
    accounts = [H.account(f"账号{i}") for i in range(21)]
    response = admin_client.post(
        "/admin/registry/account/",
        {"action": "issue_push_tokens", "_selected_action": [a.pk for a in accounts]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "一次最多为 20 个账号生成推送令牌" in shown[0]
    assert PushToken.objects.count() == 0


def test_posts_token_verb(tmp_path: Path) -> None:
    # The same account name on a second platform makes the bare name ambiguous.
    twin = ["抖音", "平安格尔木", "", "格尔木市公安局", "", "正常运行", "否", "推送接口", "", "否"]
    workbook = write_workbook(
        tmp_path / "r.xlsx",
        {
            "单位": (R.UNIT_HEADERS, R.BASE_UNITS),
            "账号": (R.ACCOUNT_HEADERS, [*R.BASE_ACCOUNTS, twin]),
        },
    )
    registry = govwatch(tmp_path, "registry", "import", str(workbook))
    assert registry.returncode == 0, registry.stderr
    db = tmp_path / "var" / "govwatch.sqlite3"
    with sqlite3.connect(db) as con:
        (pk,) = con.execute(
            "select id from registry_account where name = '平安格尔木' and platform like 'wechat%'"
        ).fetchone()

    def token_of(result: Any) -> str:
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert "只显示这一次" in lines[0]
        return str(lines[1])

    def digests() -> dict[int, str]:
        with sqlite3.connect(db) as con:
            return dict(con.execute("select account_id, token_digest from newmedia_pushtoken"))

    for args, words in [
        (("没有这个号",), "账号“没有这个号”未登记"),
        (("平安格尔木",), "对应多个登记账号"),
        (("平安格尔木", "--platform", "火星"), "平台无法识别"),
        (("平安格尔木", "--platform", "快手"), "快手上的账号“平安格尔木”未登记"),
    ]:
        result = govwatch(tmp_path, "posts", "token", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith("错误：") and words in result.stderr, result.stderr
    assert digests() == {}

    first = token_of(govwatch(tmp_path, "posts", "token", "平安格尔木", "--platform", "微信订阅号"))
    assert digests() == {pk: token_digest(first)}
    by_id = govwatch(tmp_path, "posts", "token", str(pk))
    second = token_of(by_id)
    assert "原有令牌已失效" in by_id.stdout and second != first
    assert digests() == {pk: token_digest(second)}
    by_platform_id = token_of(govwatch(tmp_path, "posts", "token", "gh_0001"))
    assert digests() == {pk: token_digest(by_platform_id)}
