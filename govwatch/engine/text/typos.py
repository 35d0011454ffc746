"""Suspected typos in ordinary words: confusion sets scored by a character-bigram model.

Candidates come from one exact pass: every one-character confusable misspelling of a frequent
word is precomputed into an Aho-Corasick automaton (a string that is itself a word is never a
candidate). A candidate is reported only when
  1. the suspicious character does not form a known word with its neighbours, and
  2. the corrected word is much more probable than the best reading of the original span as
     known words (a unigram segmentation),
  3. no other character of the candidate belongs to a known word reaching outside it, and
  4. the corrected text scores better under the bigram model by at least `margin` (natural log).
The model is built offline from the shipped word list (word-internal bigrams weighted by word
frequency) and can learn from the monitored sites' own text (`TypoModel.learn`), which adds real
context bigrams and turns n-grams the sites repeat (local names, terms) into known words.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick_rs

from govwatch.engine.text.confusion import ConfusionSets, default_confusion

LEXICONS = Path(__file__).with_name("lexicons")
SMOOTHING = 0.1


@dataclass(frozen=True, slots=True)
class TypoConfig:
    min_word_freq: int = 300  # only words at least this frequent are proposed as corrections
    known_word_freq: int = 5  # a neighbourhood word this frequent explains the character
    margin: float = 0.0  # required context (bigram) log-score gain of the correction
    # Required gain (natural log) of the corrected word over the best segmentation of the
    # original span into known words: "的人" is no typo of "敌人" because 的 and 人 are both
    # frequent words on their own, while "跳无" can only be read as a rare pair of singles.
    unigram_margin: float = 4.0
    site_word_min_count: int = 3  # an n-gram a site repeats this often counts as a known word
    # A candidate repeated this often in the same text is a name or term of that text (行委,
    # 国动办), not a slip of the keyboard.
    repeat_ok: int = 3
    # Function words (prepositions, conjunctions) at the edge of a candidate are read as
    # themselves (处理|其, 报|至) rather than as part of a misspelt longer word.
    edge_function_chars: str = "至其经止于与及并或向由从以为被把将对和"
    other_tone: bool = True  # homophones with another tone: input methods ignore tones


@dataclass(frozen=True, slots=True)
class TypoHit:
    start: int
    end: int
    wrong: str
    suggestion: str
    gain: float


GOV_WORD_FREQ = 1000  # gov-domain words count as common words


def load_word_freq(path: Path | None = None, gov_words: Path | None = None) -> dict[str, int]:
    """The shipped word list plus the gov-domain list (abbreviations, 文号 characters)."""
    words: dict[str, int] = {}
    text = (path or LEXICONS / "words.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, _, freq = line.partition("\t")
        words[word] = int(freq or 1)
    gov = (gov_words or LEXICONS / "gov_words.txt").read_text(encoding="utf-8")
    for line in gov.splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            words[word] = max(words.get(word, 0), GOV_WORD_FREQ)
    return words


@dataclass
class TypoModel:
    """Word frequencies plus character bigram counts (mutable: it learns from site text)."""

    words: dict[str, int]
    bigrams: Counter[str] = field(default_factory=Counter)
    site_ngrams: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_words(cls, words: dict[str, int]) -> TypoModel:
        bigrams: Counter[str] = Counter()
        for word, freq in words.items():
            # log-damped so that a handful of very frequent words do not dominate the counts
            weight = 1 + int(math.log(freq + 1))
            for i in range(len(word) - 1):
                bigrams[word[i : i + 2]] += weight
        return cls(words=words, bigrams=bigrams)

    def learn(self, text: str) -> None:
        """Add a site's published text: context bigrams and its repeated 2-4-char n-grams."""
        for chunk in _cjk_runs(text):
            for i in range(len(chunk) - 1):
                self.bigrams[chunk[i : i + 2]] += 1
            for n in (2, 3, 4):
                for i in range(len(chunk) - n + 1):
                    self.site_ngrams[chunk[i : i + n]] += 1

    def bigram_score(self, a: str, b: str) -> float:
        return math.log(self.bigrams.get(a + b, 0) + SMOOTHING)


def _cjk_runs(text: str) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


class TypoDetector:
    def __init__(
        self,
        model: TypoModel,
        confusion: ConfusionSets | None = None,
        config: TypoConfig | None = None,
    ) -> None:
        self.model = model
        self.config = config or TypoConfig()
        conf = confusion or default_confusion()
        words = model.words
        self._log_total = math.log(sum(words.values()) or 1)
        edge_chars = frozenset(self.config.edge_function_chars)
        best: dict[str, tuple[int, str, int]] = {}
        candidates: dict[str, tuple[str, ...]] = {}  # set unions per character, done once
        for word, freq in words.items():
            if freq < self.config.min_word_freq or len(word) < 2:
                continue
            last = len(word) - 1
            for pos, ch in enumerate(word):
                subs = candidates.get(ch)
                if subs is None:
                    subs = candidates[ch] = tuple(
                        conf.candidates(ch, other_tone=self.config.other_tone)
                    )
                for sub in subs:
                    if sub in edge_chars and pos in (0, last):
                        continue  # read as the function word itself (处理|其)
                    variant = word[:pos] + sub + word[pos + 1 :]
                    if variant in words:
                        continue
                    old = best.get(variant)
                    if old is None or old[0] < freq:
                        best[variant] = (freq, word, pos)
        patterns = list(best)
        # Half a million targets: kept as two flat arrays instead of tuples (about 70 MB less).
        word_ids: dict[str, int] = {}
        self._target_word = array("I")
        self._target_pos = bytearray()
        for _freq, word, pos in best.values():
            self._target_word.append(word_ids.setdefault(word, len(word_ids)))
            self._target_pos.append(pos)
        self._word_list = list(word_ids)
        self._pattern_count = len(patterns)
        # The unigram test depends on the candidate alone: computed lazily, once per pattern
        # (doing it here for all half a million patterns would double the build time).
        self._unigram_ok: dict[int, bool] = {}
        del best
        self._ac = (
            # Contiguous NFA: half the build time of the default DFA for ~0.5 M patterns, and
            # as fast to search.
            ahocorasick_rs.AhoCorasick(
                patterns,
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.ContiguousNFA,
            )
            if patterns
            else None
        )

    @property
    def pattern_count(self) -> int:
        return self._pattern_count

    def _known_around(self, text: str, p: int) -> bool:
        """Whether text[p] forms a known word (or a site n-gram) with its neighbours."""
        words = self.model.words
        site = self.model.site_ngrams
        min_freq = self.config.known_word_freq
        min_site = self.config.site_word_min_count
        for n in (2, 3, 4):
            for s in range(max(0, p - n + 1), min(p, len(text) - n) + 1):
                gram = text[s : s + n]
                if words.get(gram, 0) >= min_freq or site.get(gram, 0) >= min_site:
                    return True
        return False

    def _claimed_outside(self, text: str, start: int, end: int, p: int) -> bool:
        """Whether an unchanged character of the span belongs to a known word reaching outside.

        "对政府" must not become "财政府": 政 already belongs to 政府, so the candidate
        "对政" straddles a word boundary and is no typo.
        """
        words = self.model.words
        min_freq = self.config.known_word_freq
        for q in range(start, end):
            if q == p:
                continue
            if q > 0 and text[q] in _NUMBER_UNITS and text[q - 1] in _DIGITS:
                return True  # 31日止: 日 belongs to the date, not to 日志
            for n in (2, 3, 4):
                for s in range(max(0, q - n + 1), min(q, len(text) - n) + 1):
                    if s <= p < s + n or (start <= s and s + n <= end):
                        continue
                    if words.get(text[s : s + n], 0) >= min_freq:
                        return True
        return False

    def _gain(self, text: str, p: int, sub: str) -> float:
        score = self.model.bigram_score
        before = text[p - 1] if p > 0 else ""
        after = text[p + 1] if p + 1 < len(text) else ""
        old = text[p]
        gain = 0.0
        if before:
            gain += score(before, sub) - score(before, old)
        if after:
            gain += score(sub, after) - score(old, after)
        return gain

    def detect(self, text: str) -> list[TypoHit]:
        if self._ac is None:
            return []
        hits: dict[int, TypoHit] = {}
        repeated: dict[str, bool] = {}
        for index, start, end in self._ac.find_matches_as_indexes(text, overlapping=True):
            word, pos = self._word_list[self._target_word[index]], self._target_pos[index]
            p = start + pos
            if p in hits or not self._unigram_passes(index, text[start:end], word):
                continue
            if not self._suspicious(text, start, end, p):
                continue
            span = text[start:end]
            if span not in repeated:
                repeated[span] = text.count(span) >= self.config.repeat_ok
            if not repeated[span]:
                gain = self._gain(*_local_window(text, p), word[pos])
                if gain >= self.config.margin:
                    hits[p] = TypoHit(start, end, text[start:end], word, gain)
        return [hits[p] for p in sorted(hits)]

    def _segment_logp(self, span: str) -> float:
        """Log-probability of the best segmentation of `span` into known words (unigram)."""
        words = self.model.words
        log_total = self._log_total
        if len(span) == 2:  # the common case, without the loop
            a, b = words.get(span[0], 0.5), words.get(span[1], 0.5)
            return math.log(a) + math.log(b) - 2 * log_total
        best = [0.0] + [-math.inf] * len(span)
        for i in range(1, len(span) + 1):
            for j in range(max(0, i - 4), i):
                freq = words.get(span[j:i], 0.5 if i - j == 1 else 0)
                if freq:
                    best[i] = max(best[i], best[j] + math.log(freq) - log_total)
        return best[-1]

    def _unigram_passes(self, index: int, span: str, word: str) -> bool:
        ok = self._unigram_ok.get(index)
        if ok is None:
            corrected = math.log(self.model.words.get(word, 0.5)) - self._log_total
            ok = corrected - self._segment_logp(span) >= self.config.unigram_margin
            self._unigram_ok[index] = ok
        return ok

    def _suspicious(self, text: str, start: int, end: int, p: int) -> bool:
        # Judge on a small window with line breaks removed: extracted text (PDF, pages) breaks
        # lines inside words, and the break must not hide the neighbour that explains a char.
        local, lp = _local_window(text, p)
        ls, le = lp - (p - start), lp - (p - start) + (end - start)
        return not (
            self._known_around(local, lp)
            or self._claimed_outside(local, ls, le, lp)
            or _parallel(local, lp)
        )


_DIGITS = frozenset("0123456789０１２３４５６７８９〇一二三四五六七八九十百千两")
_NUMBER_UNITS = frozenset("年月日时分秒号个条项件次元万亿名人家所期")


def _local_window(text: str, p: int, width: int = 8) -> tuple[str, int]:
    lo = max(0, p - width)
    window = text[lo : p + 1 + width]
    if " " not in window and "\n" not in window and "\u3000" not in window and "\t" not in window:
        return window, p - lo  # the common case: nothing to remove
    left = "".join(text[lo:p].split())
    right = "".join(text[p + 1 : p + 1 + width].split())
    return left + text[p] + right, len(left)


def _parallel(text: str, p: int) -> bool:
    """Parallel wording the bulletins love: 件件有, 应改尽改, 三审三核 (ABAC), 真改实改."""
    ch = text[p]
    prev1 = text[p - 1] if p >= 1 else ""
    next1 = text[p + 1] if p + 1 < len(text) else ""
    if ch in (prev1, next1) or (prev1 and prev1 == next1):
        return True
    if (p >= 2 and text[p - 2] == ch) or (p + 2 < len(text) and text[p + 2] == ch):
        return True  # 即知即改, 立行立改
    if p >= 3 and text[p - 1] == text[p - 3]:
        return True
    return p >= 2 and p + 1 < len(text) and text[p - 2] == text[p + 1]


def default_detector(config: TypoConfig | None = None) -> TypoDetector:
    return TypoDetector(TypoModel.from_words(load_word_freq()), default_confusion(), config)
