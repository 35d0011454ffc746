"""Small value objects shared by the parse modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Navigation, header and footer blocks by the names gov CMS templates give them.
NAV_SELECTOR = (
    "nav, [class*=nav], [id*=nav], [class*=menu], [id*=menu], [class*=daohang], [id*=daohang]"
)
FOOTER_SELECTOR = (
    "footer, [class*=footer], [id*=footer], [class*=foot], [id*=foot], [class*=bottom], "
    "[id*=bottom], [class*=copyright], [id*=copyright]"
)
HEADER_SELECTOR = "header, [class*=header], [id*=header]"
CRUMB_SELECTOR = (
    "[class*=crumb], [id*=crumb], [class*=position], [id*=position], [class*=location], "
    "[id*=location], [class*=dqwz], [id*=dqwz], [class*=weizhi], [id*=weizhi]"
)


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # normalised absolute URL, or "unsupported:<href>"
    text: str  # anchor text (or alt/title for images)
    kind: str  # "a", "img" or "frame"


@dataclass(frozen=True, slots=True)
class ListItem:
    title: str
    url: str
    published: date | None  # None: the item shows no date (counts as not updated)
    date_source: str = ""  # "": shown in the list; "article"/"article_meta": from its page
