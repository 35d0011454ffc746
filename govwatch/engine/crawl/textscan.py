"""Content checks on crawled page text (issue 3: the scan runs the checks on page text).

One checker per process, built on first use: the expression rules, gazetteer near misses,
leader titles, sensitive words and privacy validators. The typo layer is left out here:
it is the slowest and largest part, and its warnings are for an editor reading one text,
not for a site-wide scan.
"""

from __future__ import annotations

from functools import lru_cache

from govwatch.engine.crawl.models import PageTextHit
from govwatch.engine.text.checker import TextCheckConfig, TextChecker

# Page text beyond this is not checked: list pages and archives repeat themselves.
MAX_CHARS = 20_000


@lru_cache(maxsize=1)
def _checker() -> TextChecker:
    return TextChecker(TextCheckConfig(typo=None, min_severity="warning"))


def page_text_hits(url: str, text: str) -> list[PageTextHit]:
    seen: set[tuple[str, str]] = set()
    hits = []
    for finding in _checker().check(text[:MAX_CHARS]):
        key = (finding.rule_id or finding.code, finding.text)
        if key in seen:
            continue
        seen.add(key)
        hits.append(
            PageTextHit(
                url=url,
                code=finding.code,
                category=finding.category,
                severity=finding.severity,
                text=finding.text,
                suggestion=finding.suggestion,
                context=finding.context,
            )
        )
    return hits
