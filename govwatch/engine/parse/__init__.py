"""Parsing: HTML to page digests, list items with their dates, URLs."""

from govwatch.engine.parse.dates import find_date
from govwatch.engine.parse.page import PageDigest, parse_page
from govwatch.engine.parse.urls import UrlResolver, normalize_url

__all__ = ["PageDigest", "UrlResolver", "find_date", "normalize_url", "parse_page"]
