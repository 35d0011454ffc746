"""The Scrapy baseline: a plain Spider that follows every in-site link (run by
scan_bench.py with `scrapy runspider`, in a separate venv)."""

from __future__ import annotations

import json

import scrapy


class FarmSpider(scrapy.Spider):
    name = "farm"
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_ENABLED": False,
    }

    def __init__(self, ports: str = "", stats: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [f"http://127.0.0.1:{p}/" for p in ports.split(",") if p]
        self.allowed_domains = ["127.0.0.1"]
        self.stats_path = stats
        self.pages = 0
        self.responses = 0

    def parse(self, response):  # type: ignore[no-untyped-def]
        self.responses += 1
        if response.status != 200 or not isinstance(response, scrapy.http.HtmlResponse):
            return
        self.pages += 1
        for href in response.css("a::attr(href), img::attr(src)").getall():
            yield response.follow(href, callback=self.parse)

    def closed(self, reason: str) -> None:
        with open(self.stats_path, "w") as handle:
            json.dump({"pages": self.pages, "responses": self.responses}, handle)
