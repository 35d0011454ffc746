"""Value objects of the text checks: a text hit, its codes, categories and severities."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Text-hit codes (stable: tickets and dismissals refer to them).
CODE_EXPRESSION = "TXT001"  # wrong form from the expression rules (规范表述)
CODE_NEAR_MISS = "TXT002"  # one character away from a canonical term
CODE_LEADER_TITLE = "TXT003"  # a leader's name next to a title that is not theirs
CODE_TYPO = "TXT004"  # suspected typo in an ordinary word (statistical)
CODE_SENSITIVE = "TXT005"  # user-managed sensitive word
CODE_PRIVACY = "TXT006"  # personal data published unmasked

# Categories; the first seven are the rule categories of the issue.
PLACE_NAME = "place_name"
LEADER_TITLE = "leader_title"
INSTITUTION_NAME = "institution_name"
POLITICAL_PHRASE = "political_phrase"
CROSS_STRAIT_WORDING = "cross_strait_wording"
QUOTATION_MARKS = "quotation_marks"
TYPO = "typo"
IDIOM = "idiom"
SENSITIVE_WORD = "sensitive_word"
PRIVACY = "privacy"

CATEGORIES: frozenset[str] = frozenset(
    {
        PLACE_NAME,
        LEADER_TITLE,
        INSTITUTION_NAME,
        POLITICAL_PHRASE,
        CROSS_STRAIT_WORDING,
        QUOTATION_MARKS,
        TYPO,
        IDIOM,
        SENSITIVE_WORD,
        PRIVACY,
    }
)

CATEGORY_LABELS: dict[str, str] = {
    PLACE_NAME: "地名",
    LEADER_TITLE: "领导人姓名职务",
    INSTITUTION_NAME: "机构名称",
    POLITICAL_PHRASE: "固定政治表述",
    CROSS_STRAIT_WORDING: "涉台港澳表述",
    QUOTATION_MARKS: "引号使用",
    TYPO: "错别字",
    IDIOM: "成语",
    SENSITIVE_WORD: "敏感词",
    PRIVACY: "隐私泄露",
}

# Severities: serious = veto material (严重表述错误), warning = to review, info = for the record.
SERIOUS = "serious"
WARNING = "warning"
INFO = "info"
SEVERITIES: tuple[str, ...] = (INFO, WARNING, SERIOUS)
SEVERITY_LABELS: dict[str, str] = {SERIOUS: "严重", WARNING: "警告", INFO: "提示"}

CONTEXT_CHARS = 20
# The excerpt a reader sees around a hit (the evidence viewer, the problem list item): wider
# than the context above, which stays at 20 because the hit's fingerprint is built from it.
EXCERPT_CHARS = 60


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


# The fields a stored hit keeps (scan runs and posts store hits as JSON).
_STORED = ("code", "category", "severity", "text", "suggestion", "context")


@dataclass(frozen=True, slots=True)
class TextHit:
    """One problem in one text (offset/length in characters of the checked text).

    The one text-hit type from the checker to the indicators: a scan sets ``url`` (the
    page or attachment) and, for attachments, ``page_url`` (a page linking it); a post's
    hits take the post's URL when read back. Stored hits keep the fields in ``_STORED``.
    """

    code: str
    category: str = ""
    severity: str = ""
    offset: int = 0
    length: int = 0
    text: str = ""  # the matched text as shown (privacy hits are masked)
    suggestion: str = ""
    context: str = ""
    rule_id: str = ""
    source: str = ""
    message: str = ""
    fingerprint: str = field(default="", compare=False)
    url: str = ""
    page_url: str = ""
    # The excerpt either side of the hit (EXCERPT_CHARS each, line breaks flattened), kept
    # apart from the hit so a page can mark the hit without searching for it again.
    before: str = ""
    after: str = ""

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def stored(self) -> dict[str, str]:
        """The JSON form kept with a scan run or a post."""
        data = {name: str(getattr(self, name)) for name in _STORED}
        if self.url:
            data["url"] = self.url
        if self.page_url:
            data["page_url"] = self.page_url
        if self.before or self.after:
            data["before"] = self.before
            data["after"] = self.after
        return data

    def excerpt(self) -> tuple[str, str] | None:
        """(before, after) around the hit: the stored excerpt, or for a hit stored before
        excerpts existed, its narrower context split at the hit; None when neither says."""
        if self.before or self.after:
            return self.before, self.after
        return split_context(self.context, self.text)

    @classmethod
    def from_stored(cls, data: Mapping[str, object], url: str = "") -> TextHit:
        """Read back a stored hit; URL fills in where the hit itself has none (posts)."""

        def text(key: str) -> str:
            return str(data.get(key) or "")

        return cls(
            code=text("code"),
            category=text("category"),
            severity=text("severity"),
            text=text("text"),
            suggestion=text("suggestion"),
            context=text("context"),
            url=text("url") or url,
            page_url=text("page_url"),
            before=text("before"),
            after=text("after"),
        )


def context_snippet(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The hit with `width` characters either side, line breaks flattened."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = text[left:right]
    return " ".join(snippet.split())


def _flat(text: str) -> str:
    """Runs of whitespace as one space (a flattened line break still separates words)."""
    return re.sub(r"\s+", " ", text)


def excerpt_sides(text: str, start: int, end: int, width: int = EXCERPT_CHARS) -> tuple[str, str]:
    """The `width` characters before and after text[start:end], whitespace flattened and the
    outer ends trimmed; bounded whatever the text's length."""
    before = _flat(text[max(0, start - width) : start]).lstrip()
    after = _flat(text[end : end + width]).rstrip()
    return before, after


def split_context(context: str, matched: str) -> tuple[str, str] | None:
    """A stored context (the hit with CONTEXT_CHARS either side) split at the hit: the
    occurrence nearest where context_snippet put it, None when the hit is not in it."""
    if not matched or matched not in context:
        return None
    starts = [m.start() for m in re.finditer(re.escape(matched), context)]
    at = min(starts, key=lambda s: abs(s - CONTEXT_CHARS))
    return context[:at], context[at + len(matched) :]


def fingerprint(code: str, rule_id: str, matched: str, context: str) -> str:
    """Stable across re-crawls: no offset, only what the reader sees around the hit.

    Whitespace is dropped so that a re-flowed page keeps its dismissed findings.
    """
    key = "\x1f".join((code, rule_id, matched, "".join(context.split())))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def make_finding(
    text: str,
    *,
    code: str,
    category: str,
    severity: str,
    start: int,
    end: int,
    suggestion: str,
    rule_id: str,
    source: str,
    message: str = "",
    shown: str | None = None,
    context_text: str | None = None,
) -> TextHit:
    """Build a finding with its context and fingerprint.

    `shown` replaces the hit (a masked number); `context_text` is the text with every privacy
    hit masked, so that no finding's context re-publishes personal data.
    """
    matched = text[start:end] if shown is None else shown
    context = context_snippet(context_text or text, start, end)
    before, after = excerpt_sides(context_text or text, start, end)
    return TextHit(
        code=code,
        category=category,
        severity=severity,
        offset=start,
        length=end - start,
        text=matched,
        suggestion=suggestion,
        context=context,
        rule_id=rule_id,
        source=source,
        message=message,
        fingerprint=fingerprint(code, rule_id, matched, context),
        before=before,
        after=after,
    )
