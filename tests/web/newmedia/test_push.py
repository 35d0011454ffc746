"""POST /api/posts/push/<account_id>/ with a bearer token (stored only as a digest)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from govwatch.web.newmedia.models import Post, PushToken, token_digest
from govwatch.web.newmedia.services import push_token_issue
from govwatch.web.registry.models import Account
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

POSTS = [
    {"post_id": "wx-1", "url": "https://mp.example.cn/s/1", "title": "春耕动员",
     "published_at": "2024-02-23T09:30:00+08:00", "original": True},
    {"url": "https://mp.example.cn/s/2", "title": "转载：通知",
     "published_at": "2024-02-24 10:00", "original": False},
    {"post_id": "wx-3", "published_at": "昨天"},
]  # fmt: skip


@pytest.fixture
def account() -> Account:
    return H.account("开封发布", ingestion_source="push")


def _push(client: Client, account_id: int, body: bytes, token: str | None) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        f"/api/posts/push/{account_id}/", body, content_type="application/json", **headers
    )


def test_good_token_stores_posts_once(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    stored = PushToken.objects.get(account=account)
    assert token not in stored.token_digest and stored.token_digest == token_digest(token)
    body = json.dumps({"posts": POSTS}).encode()
    response = _push(client, account.pk, body, token)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["new"], data["duplicate"]) == (2, 0)
    assert data["rejected"][0]["where"] == "posts[2]"
    assert "published_at" in data["rejected"][0]["reason"]
    assert {p.source_kind for p in Post.objects.all()} == {"push"}
    assert Post.objects.get(post_id="wx-1").is_original is True
    again = _push(client, account.pk, body, token).json()
    assert (again["new"], again["duplicate"]) == (0, 2)
    assert Post.objects.count() == 2
    assert PushToken.objects.get(account=account).last_used_at is not None


def test_bad_token_is_401_and_stores_nothing(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    other = H.account("开封交警", "sina_weibo")
    other_token = push_token_issue(other)
    body = json.dumps({"posts": POSTS}).encode()
    for account_id, presented in [
        (account.pk, token + "x"),
        (account.pk, None),
        (account.pk, other_token),  # another account's token
        (account.pk + 999, token),  # no such account: same answer as a wrong token
    ]:
        response = _push(client, account_id, body, presented)
        assert response.status_code == 401, presented
    assert Post.objects.count() == 0
    # A token replaced by a new one stops working.
    push_token_issue(account)
    assert _push(client, account.pk, body, token).status_code == 401


def test_bad_payloads_are_400_in_chinese(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    for body, words in [
        (b"{not json", "不是有效的 JSON"),
        (b"[1, 2]", "应为 JSON 对象"),
        (json.dumps({"items": []}).encode(), "缺少 posts 列表"),
    ]:
        response = _push(client, account.pk, body, token)
        assert response.status_code == 400
        assert words in response.json()["error"]
    assert Post.objects.count() == 0
    assert client.get(f"/api/posts/push/{account.pk}/").status_code == 405


def test_posts_of_another_account_are_rejected(client: Client, account: Account) -> None:
    token = push_token_issue(account)
    H.account("开封交警", "sina_weibo")
    posts = [
        {"account": "开封交警", "post_id": "wb-1", "published_at": "2024-02-23 09:00"},
        {"account": "开封发布", "post_id": "wx-9", "published_at": "2024-02-23 09:00"},
    ]
    data = _push(client, account.pk, json.dumps({"posts": posts}).encode(), token).json()
    assert data["new"] == 1 and "账号与推送地址不一致" in data["rejected"][0]["reason"]
    assert list(Post.objects.values_list("account__name", flat=True)) == ["开封发布"]
