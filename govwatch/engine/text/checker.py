"""The text check: all layers over one text, findings out.

Order of trust: curated dictionaries (expression rules, near misses
of canonical terms, leader titles, sensitive words) in one automaton pass; then the statistical
typo layer; then the privacy validators. Whitelists and dismissed fingerprints filter the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from govwatch.engine.text.automaton import Automaton
from govwatch.engine.text.confusion import default_confusion
from govwatch.engine.text.expressions import (
    ExpressionRule,
    RuleSet,
    default_rules,
    guard_allows,
    load_rules,
    merge_rule_sets,
    rule_patterns,
)
from govwatch.engine.text.findings import (
    CODE_EXPRESSION,
    CODE_LEADER_TITLE,
    CODE_NEAR_MISS,
    CODE_PRIVACY,
    CODE_SENSITIVE,
    CODE_TYPO,
    LEADER_TITLE,
    PRIVACY,
    SENSITIVE_WORD,
    SERIOUS,
    TYPO,
    WARNING,
    TextHit,
    make_finding,
    severity_rank,
)
from govwatch.engine.text.gazetteer import (
    LEXICONS,
    CanonicalTerm,
    NearMiss,
    TitleMismatch,
    leader_terms,
    load_gazetteer,
    near_miss_entries,
    parse_term_lines,
    title_mismatches,
)
from govwatch.engine.text.privacy import PrivacyHit, mask_spans, scan_privacy
from govwatch.engine.text.sensitive import SensitiveWord, dedupe, load_lexicon, sample_lexicon
from govwatch.engine.text.typos import TypoConfig, TypoDetector, default_detector, load_word_freq


@dataclass(frozen=True, slots=True)
class Protect:
    """A correct term or whitelisted text: it swallows shorter hits inside it."""

    term: str


Payload = ExpressionRule | NearMiss | TitleMismatch | SensitiveWord | Protect


@dataclass(frozen=True, slots=True)
class TextCheckConfig:
    lexicon_dir: Path = LEXICONS
    rule_files: tuple[Path, ...] = ()  # user rule files (yaml/csv), override shipped ids
    term_files: tuple[tuple[str, Path], ...] = ()  # (category, file of canonical terms)
    sensitive_files: tuple[Path, ...] = ()  # user lexicons (txt/csv/xlsx)
    sample_sensitive: bool = True  # ship-in demo lexicon
    typo: TypoConfig | None = field(default_factory=TypoConfig)  # None: no typo layer
    privacy: bool = True
    whitelist: tuple[str, ...] = ()  # global allow list
    site_whitelists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (site code, allow list)
    min_severity: str = "info"


@lru_cache(maxsize=1)
def _known_words() -> dict[str, int]:
    return load_word_freq()


@lru_cache(maxsize=2)
def _shared_detector(config: TypoConfig) -> TypoDetector:
    # The detector costs about a second to build; share it between checkers.
    return default_detector(config)


class TextChecker:
    def __init__(
        self, config: TextCheckConfig | None = None, typo_detector: TypoDetector | None = None
    ) -> None:
        """`typo_detector`: by default a shared detector over the shipped word list."""
        self.config = config or TextCheckConfig()
        cfg = self.config
        self.rules: RuleSet = merge_rule_sets(
            [default_rules(), *(load_rules(p) for p in cfg.rule_files)]
        )
        extra: list[CanonicalTerm] = []
        for category, path in cfg.term_files:
            extra.extend(parse_term_lines(path.read_text(encoding="utf-8"), category, path.name))
        self.gazetteer = load_gazetteer(cfg.lexicon_dir, extra)
        words: list[SensitiveWord] = sample_lexicon() if cfg.sample_sensitive else []
        for path in cfg.sensitive_files:
            words.extend(load_lexicon(path))
        self.sensitive = dedupe(words)
        if typo_detector is not None:
            self.typo_detector: TypoDetector | None = typo_detector
        else:
            self.typo_detector = _shared_detector(cfg.typo) if cfg.typo is not None else None
        self.automaton: Automaton[Payload] = Automaton(self._entries(), overlapping=True)

    def _entries(self) -> Iterable[tuple[str, Payload]]:
        # Near misses that are real words are not reported, with or without the typo layer.
        known = self.typo_detector.model.words if self.typo_detector else _known_words()
        terms = [*self.gazetteer.terms, *leader_terms(self.gazetteer)]
        for term in terms:
            yield term.term, Protect(term.term)
        for leader in self.gazetteer.leaders:
            yield leader.name, Protect(leader.name)  # only shields the name from typo guesses
        for word in self.config.whitelist:
            yield word, Protect(word)
        # Payload order is priority order when one string is in several lists: a curated rule
        # says more (its own suggestion and source) than a generated near miss.
        for rule in self.rules.rules:
            for pattern in rule_patterns(rule):
                yield pattern, rule
        for entry in self.sensitive:
            yield entry.word, entry
        yield from title_mismatches(self.gazetteer)
        yield from near_miss_entries(terms, default_confusion(), known.__contains__)

    def check(
        self, text: str, *, site: str | None = None, dismissed: frozenset[str] = frozenset()
    ) -> list[TextHit]:
        hits = list(scan_privacy(text)) if self.config.privacy else []
        shown = mask_spans(text, hits)
        findings, covered = self._dictionary_layer(text, shown)
        if self.typo_detector is not None:
            findings.extend(self._typo_layer(text, shown, covered))
        findings.extend(_privacy_layer(text, shown, hits))
        allow = list(self.config.whitelist)
        for code, words in self.config.site_whitelists:
            if code == site:
                allow.extend(words)
        floor = severity_rank(self.config.min_severity)
        kept = [
            f
            for f in findings
            if f.fingerprint not in dismissed
            and severity_rank(f.severity) >= floor
            and not any(_allowed(text, f, word) for word in allow)
        ]
        kept.sort(key=lambda f: (f.offset, f.code))
        return kept

    def _dictionary_layer(
        self, text: str, shown: str
    ) -> tuple[list[TextHit], list[tuple[int, int]]]:
        findings: list[TextHit] = []
        covered: list[tuple[int, int]] = []
        outer, _inner = self.automaton.find_outermost(text)
        for match in outer:
            covered.append((match.start, match.end))
            if any(isinstance(p, Protect) for p in match.payloads):
                continue
            for payload in match.payloads:
                finding = _to_finding(text, shown, match.start, match.end, payload)
                if finding is not None:
                    findings.append(finding)
                    break
        return findings, covered

    def _typo_layer(self, text: str, shown: str, covered: list[tuple[int, int]]) -> list[TextHit]:
        assert self.typo_detector is not None
        out = []
        spans = sorted(covered)
        for hit in self.typo_detector.detect(text):
            if _overlaps(spans, hit.start, hit.end):
                continue
            out.append(
                make_finding(
                    text,
                    code=CODE_TYPO,
                    category=TYPO,
                    severity=WARNING,
                    start=hit.start,
                    end=hit.end,
                    suggestion=hit.suggestion,
                    rule_id="typo-lm",
                    source="统计模型（混淆集、词表与字二元语言模型的线性打分）",
                    message=f"疑似错别字：“{hit.wrong}”可能应为“{hit.suggestion}”",
                    context_text=shown,
                )
            )
        return out


def _to_finding(text: str, shown: str, start: int, end: int, payload: Payload) -> TextHit | None:
    wrong = text[start:end]
    finding = partial(make_finding, text, context_text=shown, start=start, end=end)
    if isinstance(payload, ExpressionRule):
        if not guard_allows(payload, text, start, end):
            return None
        return finding(
            code=CODE_EXPRESSION,
            category=payload.category,
            severity=payload.severity,
            suggestion=payload.correct,
            rule_id=payload.rule_id,
            source=payload.source,
            message=f"表述不规范：“{wrong}”应为“{payload.correct}”",
        )
    if isinstance(payload, NearMiss):
        return finding(
            code=CODE_NEAR_MISS,
            category=payload.category,
            severity=SERIOUS if payload.category == LEADER_TITLE else WARNING,
            suggestion=payload.canonical,
            rule_id=f"near-miss:{payload.kind}",
            source=payload.source,
            message=f"疑似误写：“{wrong}”应为“{payload.canonical}”",
        )
    if isinstance(payload, TitleMismatch):
        correct = "、".join(payload.name + t for t in payload.correct_titles if t != "同志")
        return finding(
            code=CODE_LEADER_TITLE,
            category=LEADER_TITLE,
            severity=SERIOUS,
            suggestion=correct or payload.name + "同志",
            rule_id="leader-title",
            source=payload.source,
            message=f"领导人职务疑似错误：“{wrong}”",
        )
    if isinstance(payload, SensitiveWord):
        return finding(
            code=CODE_SENSITIVE,
            category=SENSITIVE_WORD,
            severity=payload.severity,
            suggestion="",
            rule_id=f"sensitive:{payload.category}",
            source=payload.source,
            message=f"敏感词（{payload.category}）：“{wrong}”",
        )
    return None


def _privacy_layer(text: str, shown: str, hits: list[PrivacyHit]) -> list[TextHit]:
    return [
        make_finding(
            text,
            code=CODE_PRIVACY,
            category=PRIVACY,
            severity=hit.severity,
            start=hit.start,
            end=hit.end,
            suggestion="发布前应隐藏或部分遮盖（如 138****1234）",
            rule_id=f"privacy:{hit.kind}",
            source="个人信息保护要求（公示信息须去标识化）",
            message=f"疑似泄露个人信息：{hit.label} {hit.masked}",
            shown=hit.masked,
            context_text=shown,
        )
        for hit in hits
    ]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _allowed(text: str, finding: TextHit, word: str) -> bool:
    """Whether an occurrence of the allow-listed `word` covers the finding's span."""
    start, end = finding.offset, finding.offset + finding.length
    lo = max(0, end - len(word))
    pos = text.find(word, lo, start + len(word))
    while pos != -1 and pos <= start:
        if pos + len(word) >= end:
            return True
        pos = text.find(word, pos + 1, start + len(word))
    return False
