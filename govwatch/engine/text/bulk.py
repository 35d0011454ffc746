"""The content checks as bulk jobs run them: site scans (pages, attachments) and posts.

One checker per process, built on first use: the expression rules, gazetteer near misses,
leader titles, sensitive words and privacy validators. The typo layer is left out: it is
the slowest and largest part, and its warnings are for an editor reading one text, not
for a site-wide scan or a million posts.
"""

from __future__ import annotations

from functools import lru_cache

from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.findings import TextHit


@lru_cache(maxsize=1)
def bulk_checker() -> TextChecker:
    return TextChecker(TextCheckConfig(typo=None, min_severity="warning"))


def distinct_findings(text: str, max_chars: int) -> list[TextHit]:
    """Findings in the first ``max_chars`` of ``text``, each (rule, matched text) once:
    a page or post that repeats an error reports it once."""
    seen: set[tuple[str, str]] = set()
    found: list[TextHit] = []
    for finding in bulk_checker().check(text[:max_chars]):
        key = (finding.rule_id or finding.code, finding.text)
        if key not in seen:
            seen.add(key)
            found.append(finding)
    return found
