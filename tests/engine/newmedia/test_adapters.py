"""Push payloads and feed documents parsed without a network; post identity."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.adapters.base import AccountProfile, Post, Source, dedupe
from govwatch.engine.newmedia.adapters.feed import FeedError, account_name_from_title, parse_feed
from govwatch.engine.newmedia.adapters.push import (
    PushAuthError,
    PushPayloadError,
    check_token,
    parse_payload,
)
from tests.engine.newmedia.feedserver import ATOM, JSON_FEED, MALFORMED, RSS, UNSAFE


def test_dedupe_keys_are_stable_and_make_reimport_idempotent() -> None:
    when = datetime(2024, 2, 20, 8, 0, tzinfo=BEIJING)
    by_url = Post("a", "wechat", when, url="HTTPS://MP.example.cn/1#frag")
    same = Post("a", "wechat", when.astimezone(BEIJING), url="https://mp.example.cn/1")
    seen: set[str] = set()
    assert dedupe([by_url, same], seen) == [by_url]
    assert dedupe([same], seen) == []  # a re-import of stored keys adds nothing
    assert Post("a", "weibo", when, post_id="9").dedupe_key == "weibo:id:9"
    # Same id on two platforms is two posts.
    assert Post("a", "wechat", when, post_id="9").dedupe_key != "weibo:id:9"
    bare = Post("a", "wechat", when, title="标题")
    assert bare.dedupe_key != Post("a", "wechat", when, title="另一标题").dedupe_key


def _payload(**overrides: object) -> bytes:
    doc: dict[str, object] = {
        "source_id": "push-1",
        "token": "s3cret-token",
        "posts": [
            {
                "account": "开封市民宗局",
                "platform": "新浪微博",
                "post_id": "w1",
                "published_at": "2024-02-24T10:00:00+08:00",
                "title": "通知",
                "original": True,
            },
            {"account": "开封市民宗局", "platform": "weibo", "published_at": "2024-02-24"},
            {"account": "开封市民宗局", "post_id": "w3", "published_at": "2024-02-24"},
            "not an object",
        ],
    }
    doc.update(overrides)
    return json.dumps(doc, ensure_ascii=False).encode()


def test_push_payload_valid_token() -> None:
    source = Source("push-1")
    batch = parse_payload(_payload(), source, "s3cret-token")
    assert [(p.post_id, p.platform, p.is_original) for p in batch.posts] == [("w1", "weibo", True)]
    reasons = [r.reason_zh for r in batch.rejected]
    assert reasons == ["post_id 与 url 至少提供一个", "平台无法识别：''", "应为对象"]
    # A header token wins over the body's.
    assert parse_payload(_payload(token="x"), source, "s3cret-token", "s3cret-token").posts


@pytest.mark.parametrize("token", ["", "s3cret-tokeN", "s3cret-token ", None])
def test_push_wrong_token_is_refused(token: str | None) -> None:
    with pytest.raises(PushAuthError):
        parse_payload(_payload(token=token), Source("push-1"), "s3cret-token")
    assert not check_token("s3cret-token", token)
    assert not check_token("", "")


def test_push_payload_shape_errors() -> None:
    source = Source("push-1")
    with pytest.raises(PushPayloadError, match="JSON"):
        parse_payload(b"{not json", source, "t")
    with pytest.raises(PushPayloadError, match="source_id"):
        parse_payload(_payload(source_id="push-2"), source, "s3cret-token")
    with pytest.raises(PushPayloadError, match="posts"):
        parse_payload(_payload(posts={"a": 1}), source, "s3cret-token")
    bad = {"account": 5, "post_id": "1", "published_at": "2024-02-24"}
    with pytest.raises(PushAuthError):
        parse_payload(_payload(posts=[bad]), source, "other")
    batch = parse_payload(_payload(posts=[bad]), source, "s3cret-token")
    assert batch.rejected[0].reason_zh == "account 应为字符串"


def test_feed_documents_and_unsafe_xml() -> None:
    source = Source("f", account_id="a", platform="wechat")
    assert len(parse_feed(RSS.encode(), source).posts) == 2
    assert len(parse_feed(ATOM.encode(), source).posts) == 2
    assert len(parse_feed(JSON_FEED.encode(), source).posts) == 2
    rdf = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<item><title>旧式订阅</title><link>https://x.example.cn/1</link>"
        "<dc:date>2024-02-20T10:00:00+08:00</dc:date></item></rdf:RDF>"
    )
    assert [p.title for p in parse_feed(rdf.encode(), source).posts] == ["旧式订阅"]
    for doc, reason in [
        (UNSAFE, "unsafe_xml"),
        (MALFORMED, "malformed"),
        ("<html><body>登录</body></html>", "unsupported_format"),
        ('{"items": 3}', "malformed"),
    ]:
        with pytest.raises(FeedError) as caught:
            parse_feed(doc.encode(), source)
        assert caught.value.reason == reason
    unbound = Source("f")
    assert parse_feed(RSS.encode(), unbound).rejected[0].reason_zh == "订阅源未关联账号或平台"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("开封发布", "开封发布"),
        ("开封发布的微博", "开封发布"),
        ("开封发布的新浪微博", "开封发布"),
        ("开封文旅的抖音", "开封文旅"),
        ("开封头条 - 今日头条", "开封头条"),
        ("开封发布的微博 - RSSHub", "开封发布"),
        ("  开封  发布 ", "开封 发布"),
        ("微博之窗", "微博之窗"),  # a name that merely contains a platform word stays whole
    ],
)
def test_account_name_from_feed_title(title: str, name: str) -> None:
    assert account_name_from_title(title) == name


def test_feeds_and_pushes_say_how_the_account_is_shown() -> None:
    source = Source("s", account_id="a", platform="weibo")
    rss = (
        "<rss><channel><title>尉氏交警的微博</title><item><title>t</title>"
        "<link>https://w/1</link><pubDate>2024-02-25 10:00</pubDate></item></channel></rss>"
    )
    assert parse_feed(rss.encode(), source).profile == AccountProfile(name="尉氏交警")
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>开封发布</title></feed>'
    assert parse_feed(atom.encode(), source).profile == AccountProfile(name="开封发布")
    untitled = "<rss><channel><item><title>t</title></item></channel></rss>"
    assert parse_feed(untitled.encode(), source).profile is None
    body = {"posts": [], "account_profile": {"name": " 开封发布 ", "owner": "开封市人民政府办公室"}}
    push = Source("p", account_id="a", platform="wechat")
    batch = parse_payload(json.dumps(body).encode(), push, "tok", "tok")
    assert batch.profile == AccountProfile("开封发布", "开封市人民政府办公室")
    with pytest.raises(PushPayloadError, match="account_profile"):
        parse_payload(b'{"posts": [], "account_profile": "x"}', push, "tok", "tok")
