"""重要信息转载: find the reprints of key items and say who reprinted on time.

An office registers a key item (title, source URL, publish date, deadline, the sites
and accounts that must reprint it). Reprints are looked for among crawled page titles
and account posts. Titles are compared after removing what reprinting adds or changes:
a 「转载：」/「转发：」 prefix, 【…】/[…] tags, a 「来源：…」 suffix, a site-name tail after
「_」 or 「-」, punctuation, spaces and full-/half-width differences. The key title must
then appear whole in the candidate with at most a couple of extra characters, so a different item with
a similar title (另一份通知, 补充通知) is not taken for a reprint.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypeAlias

from govwatch.engine.newmedia.dates import local_date

ReprintStatus: TypeAlias = Literal["on_time", "late", "missing"]
TargetKind: TypeAlias = Literal["site", "account"]

STATUS_ZH: dict[ReprintStatus, str] = {
    "on_time": "按时转载",
    "late": "逾期转载",
    "missing": "未转载",
}

_TAGS = re.compile(r"【[^】]{0,20}】|\[[^\]]{0,20}\]|〔转[^〕]{0,10}〕")
_PREFIX = re.compile(r"^\s*(?:转载|转发|转自|转|原文|推荐|重要)\s*[:：|｜丨]\s*")
_SOURCE_SUFFIX = re.compile(r"[（(]?\s*(?:来源|信息来源|稿源|出处)\s*[:：].*$")
_SITE_TAIL = re.compile(r"\s*[_\-－—|｜]+\s*[^_\-－—|｜]{2,30}(?:网|网站|政府|门户|新闻网)\s*$")
MIN_TITLE_CHARS = 6
# Characters a candidate may add around the key title after normalising: room for an
# unlisted prefix such as 「转发」, not for 「…的解读」 or 「…的补充通知」.
MAX_EXTRA_CHARS = 2


def normalize_title(title: str) -> str:
    """The comparable core of a title (see the module docstring)."""
    text = unicodedata.normalize("NFKC", title).strip()
    text = _TAGS.sub("", text)
    for _ in range(2):  # 「转载：转发：…」 happens
        text = _PREFIX.sub("", text)
    text = _SOURCE_SUFFIX.sub("", text)
    text = _SITE_TAIL.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").lower()


def titles_match(key_title: str, candidate_title: str) -> bool:
    key, cand = normalize_title(key_title), normalize_title(candidate_title)
    if len(key) < MIN_TITLE_CHARS or not cand:
        return key == cand and bool(key)
    extra = len(cand) - len(key)
    return key in cand and extra <= max(MAX_EXTRA_CHARS, len(key) // 10)


@dataclass(frozen=True, slots=True)
class ReprintTarget:
    """A site or account that must reprint, with the unit that answers for it."""

    kind: TargetKind
    target_id: str
    unit: str


@dataclass(frozen=True, slots=True)
class KeyItem:
    item_id: str
    title: str
    source_url: str
    published_on: date
    deadline: date  # a reprint on this day is still on time
    targets: tuple[ReprintTarget, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A crawled page title or an account post that may be a reprint."""

    kind: TargetKind
    target_id: str
    title: str
    url: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class ReprintResult:
    item_id: str
    target: ReprintTarget
    status: ReprintStatus
    found_url: str = ""
    found_on: date | None = None
    days_late: int = 0


def _day(moment: datetime) -> date:
    return local_date(moment)


def check_reprints(
    items: Iterable[KeyItem], candidates: Iterable[Candidate]
) -> list[ReprintResult]:
    """One result per (item, target): the earliest matching reprint decides.

    A candidate published before the item itself is not its reprint (an older item
    with the same wording); the source page itself (same URL) is not either.
    """
    by_target: dict[tuple[str, str], list[Candidate]] = {}
    for cand in candidates:
        by_target.setdefault((cand.kind, cand.target_id), []).append(cand)
    results: list[ReprintResult] = []
    for item in items:
        for target in item.targets:
            found = sorted(
                (
                    c
                    for c in by_target.get((target.kind, target.target_id), ())
                    if _day(c.published_at) >= item.published_on
                    and c.url != item.source_url
                    and titles_match(item.title, c.title)
                ),
                key=lambda c: c.published_at,
            )
            if not found:
                results.append(ReprintResult(item.item_id, target, "missing"))
                continue
            first = found[0]
            day = _day(first.published_at)
            late = max(0, (day - item.deadline).days)
            status: ReprintStatus = "late" if late else "on_time"
            results.append(ReprintResult(item.item_id, target, status, first.url, day, late))
    return results
