"""A feed server on 127.0.0.1 with named failure routes, for the adapter tests."""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web

from demo.loopback import LoopbackServer

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>开封发布</title>
<item><title>开封市召开安全生产工作会议</title><link>https://mp.example.cn/s/a1</link>
<guid isPermaLink="false">wx-a1</guid><pubDate>Fri, 23 Feb 2024 09:30:00 +0800</pubDate>
<description><![CDATA[<p>会议要求……</p>]]></description></item>
<item><title>转载：关于做好春节期间安全生产工作的通知</title>
<link>https://mp.example.cn/s/a2</link><pubDate>Sat, 24 Feb 2024 02:00:00 GMT</pubDate></item>
<item><title>无日期条目</title><link>https://mp.example.cn/s/a3</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>尉氏交警</title>
<entry><title>春运出行提示</title><id>tag:weibo,2024:1</id>
<link rel="alternate" href="https://weibo.example.cn/1"/>
<published>2024-02-20T08:00:00+08:00</published><summary>注意安全</summary></entry>
<entry><title>雨雪天气路况</title><id>tag:weibo,2024:2</id>
<link href="https://weibo.example.cn/2"/><updated>2024-02-22T21:15:00Z</updated></entry>
</feed>"""

JSON_FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "开封头条",
"items": [
 {"id": "tt-1", "url": "https://tt.example.cn/1", "title": "元宵节活动安排",
  "content_text": "活动……", "date_published": "2024-02-24 10:00"},
 {"id": "tt-2", "url": "https://tt.example.cn/2", "title": "二月农事",
  "content_html": "<p>农事</p>", "date_published": "2024年2月25日 08时05分"}
]}"""

MALFORMED = "<rss><channel><item><title>未闭合"

UNSAFE = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;</title>
<pubDate>Fri, 23 Feb 2024 09:30:00 +0800</pubDate></item></channel></rss>"""

ROUTES: dict[str, tuple[int, str, str]] = {
    "/rss.xml": (200, "application/rss+xml; charset=utf-8", RSS),
    "/atom.xml": (200, "application/atom+xml", ATOM),
    "/feed.json": (200, "application/feed+json", JSON_FEED),
    "/error": (500, "text/plain", "internal error"),
    "/malformed": (200, "application/rss+xml", MALFORMED),
    "/unsafe": (200, "application/xml", UNSAFE),
}


class FeedServer(LoopbackServer):
    """Runs in its own thread and loop so tests can drive the fetcher with asyncio.run."""

    shutdown_timeout = 0.2

    def __init__(self, slow_seconds: float = 3.0) -> None:
        super().__init__()
        self.hits: Counter[str] = Counter()
        self._slow = slow_seconds

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        if request.path == "/slow":
            # Longer than the client's total timeout: the fetch must give up first.
            await asyncio.sleep(self._slow)
            return web.Response(text=RSS, content_type="application/rss+xml")
        status, content_type, body = ROUTES.get(request.path, (404, "text/plain", "not found"))
        mime, _, charset = content_type.partition("; charset=")
        return web.Response(
            status=status, body=body.encode("utf-8"), content_type=mime, charset=charset or None
        )
