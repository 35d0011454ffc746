"""Parsing: HTML to page digests, list items with their dates, URLs."""

from govwatch.engine.parse.dates import find_date, find_published_date, infer_year
from govwatch.engine.parse.page import PageDigest, parse_page
from govwatch.engine.parse.types import Link, ListItem
from govwatch.engine.parse.urls import UrlResolver, host_of, normalize_url

__all__ = [
    "Link",
    "ListItem",
    "PageDigest",
    "UrlResolver",
    "find_date",
    "find_published_date",
    "host_of",
    "infer_year",
    "normalize_url",
    "parse_page",
]
