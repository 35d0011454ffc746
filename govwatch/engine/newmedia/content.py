"""Content checks on every post (issue 5: serious expression errors in posts, M-V1).

The same layers as the site scan (expression rules, gazetteer near misses, leader titles,
sensitive words, privacy), one checker per process built on first use. The typo layer is
left out for the same reason as in scans: its warnings are for an editor reading one
text, and it would triple the cost of ingesting a million posts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypedDict

from govwatch.engine.text.checker import TextCheckConfig, TextChecker

# A post longer than this is checked on its beginning only (long articles repeat).
MAX_CHARS = 20_000


class PostTextHit(TypedDict):
    """One hit as stored with the post (JSON)."""

    code: str
    category: str
    severity: str
    text: str
    suggestion: str
    context: str


@lru_cache(maxsize=1)
def _checker() -> TextChecker:
    return TextChecker(TextCheckConfig(typo=None, min_severity="warning"))


def post_text_hits(title: str, text: str) -> list[PostTextHit]:
    """Hits in the title and text of one post, each (rule, text) once."""
    body = f"{title}\n{text}" if title and text else title or text
    if not body.strip():
        return []
    seen: set[tuple[str, str]] = set()
    hits: list[PostTextHit] = []
    for finding in _checker().check(body[:MAX_CHARS]):
        key = (finding.rule_id or finding.code, finding.text)
        if key in seen:
            continue
        seen.add(key)
        hits.append(
            PostTextHit(
                code=finding.code,
                category=finding.category,
                severity=finding.severity,
                text=finding.text,
                suggestion=finding.suggestion,
                context=finding.context,
            )
        )
    return hits
