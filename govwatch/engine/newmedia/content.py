"""Content checks on every post (issue 5: serious expression errors in posts, M-V1).

The same checker as the site scan (``engine.text.bulk``: every layer but the typo layer,
one checker per process); the hits are stored with the post as JSON.
"""

from __future__ import annotations

from govwatch.engine.text.bulk import distinct_findings

# A post longer than this is checked on its beginning only (long articles repeat).
MAX_CHARS = 20_000


def post_text_hits(title: str, text: str) -> list[dict[str, str]]:
    """Hits in the title and text of one post, each (rule, text) once, in stored form."""
    body = f"{title}\n{text}" if title and text else title or text
    if not body.strip():
        return []
    return [hit.stored() for hit in distinct_findings(body, MAX_CHARS)]
