"""A checked text cut into plain runs and marked runs (one per finding shown in place)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from govwatch.engine.text.findings import CATEGORY_LABELS, SEVERITY_LABELS, TextHit


@dataclass(frozen=True)
class Numbered:
    """A finding with its number on the page (1, 2 ...) and whether it is marked in place
    (a finding overlapping an earlier one is listed, and marked with the earlier one)."""

    number: int
    hit: TextHit
    in_place: bool

    @property
    def severity_zh(self) -> str:
        return SEVERITY_LABELS.get(self.hit.severity, self.hit.severity)

    @property
    def category_zh(self) -> str:
        return CATEGORY_LABELS.get(self.hit.category, self.hit.category)

    def note(self) -> str:
        """The annotation: rule, message and suggestion, in one line."""
        parts = [f"{self.number}. {self.category_zh}（{self.hit.code} {self.hit.rule_id}）"]
        parts.append(self.hit.message)
        if self.hit.suggestion:
            parts.append(f"建议：{self.hit.suggestion}")
        return "；".join(parts)


def numbered(findings: list[TextHit]) -> list[Numbered]:
    out: list[Numbered] = []
    reach = 0
    for number, hit in enumerate(sorted(findings, key=lambda h: (h.offset, h.code)), 1):
        in_place = hit.length > 0 and hit.offset >= reach
        if in_place:
            reach = hit.offset + hit.length
        out.append(Numbered(number, hit, in_place))
    return out


def runs(text: str, items: list[Numbered]) -> list[tuple[str, Numbered | None]]:
    """(text, finding or None) pieces that join back into TEXT."""
    pieces: list[tuple[str, Numbered | None]] = []
    at = 0
    for item in items:
        if not item.in_place:
            continue
        start, end = item.hit.offset, item.hit.offset + item.hit.length
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], item))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def marked_html(text: str, items: list[Numbered]) -> SafeString:
    """The text with each finding in a <mark>; every piece of the draft is escaped."""
    html: list[str] = []
    for piece, item in runs(text, items):
        if item is None:
            html.append(escape(piece))
            continue
        html.append(
            format_html(
                '<mark class="pf-hit pf-{}" id="hit-{}" title="{}">{}</mark>'
                '<a class="pf-num" href="#finding-{}">{}</a>',
                item.hit.severity or "info",
                item.number,
                item.note(),
                piece,
                item.number,
                item.number,
            )
        )
    return mark_safe("".join(html))  # every part above is escaped
