"""Suspected typos in ordinary words: confusion sets, a word list and a character-bigram model.

Candidates come from one exact pass: every one-character confusable misspelling (same or other
tone, same toneless or fuzzy-pinyin reading, similar shape) of a frequent word is precomputed
(typo_patterns.py; typo_cache.py keeps it on disk between processes; a string that is
itself a word is never a candidate). A
misspelling may stand for several words; each reading is scored and the best one kept. Hard
rules first drop readings that published text explains otherwise (parallel wording, a
character claimed by a word reaching outside the candidate, dates, enumerations 一是/二是,
abbreviated institution names, items of a 、-separated list, place and person names, a
candidate the text repeats). The rest are scored by a linear model over thirteen features:
  - how much more probable the corrected word is than the best reading of the original span as
    known words (unigram segmentation gain), and how much the character-bigram model prefers
    the corrected characters in their context (context gain);
  - the kind of confusion (same tone, other tone, shape, same main pinyin reading);
  - how common the two characters are, in words and on their own; function characters;
  - how frequent the best known word is that the original character forms with its neighbours.
The weights were fitted once by logistic regression on a development set of native sentences
with marked typos (pycorrector 0.2.8's eval_corpus.json, 500 sentences) against unseen official
prose (half of the held-out People's Daily lines, see bench/text_build_data.py); SIGHAN-2015,
the other half of the held-out lines and the seed bulletins were kept for evaluation
(bench/text_fit_weights.py refits them from the same data and compares).
A reading is reported when its score reaches `threshold`.

The bigram model counts character pairs in running text (People's Daily, January 1998, see
lexicons/README.md) plus the word-internal pairs of the shipped word list (weighted by word
frequency).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govwatch.engine.text.confusion import ConfusionSets, default_confusion, main_pinyin
from govwatch.engine.text.typo_patterns import AUTOMATON_AFTER, PatternIndex

LEXICONS = Path(__file__).with_name("lexicons")


@dataclass(frozen=True, slots=True)
class TypoConfig:
    # Only words at least this frequent (in words.txt) are proposed as corrections, by length
    # (two, three, four characters): a near miss of a long word (an idiom, a fixed phrase) is
    # a typo far more often than a near miss of a two-character one.
    min_word_freq: int = 80
    min_word_freq_3: int = 40
    min_word_freq_4: int = 20
    # Homophones with another tone (pycorrector's list) yield few typos per candidate: only
    # for words at least this frequent.
    other_tone_min_freq: int = 300
    # Similar-shape characters and other-tone homophones only for words up to this long: in
    # longer words they yield few typos per candidate (the same-pinyin ones remain).
    shape_max_len: int = 2
    # Also every character whose main pinyin reading is the same once tones are dropped.
    toneless: bool = True
    # And every character in the same fuzzy-pinyin class (zh/z, -ing/-in ...: 开兴 for 开心).
    fuzzy: bool = True
    # Only the N most frequent characters (by their weight in the word list) are proposed as
    # the wrong character: an input method offers common characters first, and rare ones
    # would multiply the candidates (0: no limit).
    common_chars: int = 3500
    max_targets: int = 3  # words one misspelling may stand for (the most frequent ones)
    threshold: float = -2.0  # score (log-odds of the linear model) a reading must reach
    known_word_freq: int = 5  # a word this frequent reaching outside the span claims a char
    # A candidate repeated this often in the same text is a name or term of that text (行委,
    # 国动办), not a slip of the keyboard.
    repeat_ok: int = 3
    # Function words (prepositions, conjunctions) at the edge of a candidate are read as
    # themselves (处理|其, 报|至) rather than as part of a misspelt longer word.
    edge_function_chars: str = "至其经止于与及并或向由从以为被把将对和"
    # Bigram model: Dirichlet prior mass of the character distribution in P(b | a).
    smoothing: float = 1.0
    corpus: bool = True  # count the shipped running-text bigrams (char_bigrams.txt)
    # Where the built model is kept between processes (typo_cache.py); None: built in memory
    # on every start (seconds). The caller chooses the folder: the engine reads no settings.
    cache_dir: Path | None = None
    # Characters searched before the candidates' automaton is built (typo_patterns.py: bulk
    # checks go fifty times faster after a 10-20 s build); None: never (a server).
    automaton_after: int | None = AUTOMATON_AFTER


# The fields that shape what `build_candidates` builds (the cache key names them all); the
# others (threshold, repeat_ok ...) only act when a text is checked.
BUILD_FIELDS = (
    "min_word_freq",
    "min_word_freq_3",
    "min_word_freq_4",
    "other_tone_min_freq",
    "shape_max_len",
    "toneless",
    "fuzzy",
    "common_chars",
    "max_targets",
    "edge_function_chars",
    "corpus",
)


# Weights of the linear score (see the module docstring; refit them if the features change).
WEIGHTS: dict[str, float] = {
    "bias": -9.839,
    "unigram_gain": 0.515,  # natural log, clipped to [-10, 20]
    "context_gain": 0.193,  # clipped to [-10, 20]
    "length": 0.573,  # characters in the corrected word
    "same_tone": 0.778,
    "other_tone": -0.543,
    "same_main_pinyin": 1.100,
    "wrong_char_weight": 0.416,  # log(1 + weight in the word list)
    "right_char_weight": -0.591,
    "wrong_char_word": 0.305,  # log(1 + frequency as a one-character word)
    "right_char_word": 0.154,
    "right_char_function": 0.974,
    "wrong_function_at_edge": -0.270,
    "known_around": -0.386,  # log(1 + freq. of the best word the wrong char forms around it)
}
# Function characters (particles, adverbs, prepositions, pronouns) for the two features above.
FUNCTION_CHARS = frozenset(
    "的地得了着过在是有和与及或而且但并就才又再也还都均皆仍更最很太不没未已曾将把被对向从由以为于"
    "至其之所这那哪些个"
)
# The features of `TypoDetector.reading_features`, in the order the score adds them up: the
# context-free ones (cached per pattern), then the context gain and the known-word feature.
STATIC_FEATURES = (
    "unigram_gain",
    "length",
    "same_tone",
    "other_tone",
    "same_main_pinyin",
    "wrong_char_weight",
    "right_char_weight",
    "wrong_char_word",
    "right_char_word",
    "right_char_function",
    "wrong_function_at_edge",
)
FEATURES = (*STATIC_FEATURES, "context_gain", "known_around")
_CLIP = 20.0  # the two gains are clipped to [-_CLIP_LOW, _CLIP]
_CLIP_LOW = 10.0
_CACHE_SIZE = 200_000  # known-word features of recently seen contexts


@dataclass(frozen=True, slots=True)
class TypoHit:
    start: int
    end: int
    wrong: str
    suggestion: str
    gain: float  # the score of the reading


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


def load_corpus_bigrams(path: Path | None = None) -> Counter[str]:
    """Character-pair counts of running text (lexicons/char_bigrams.txt); empty if absent."""
    path = path or LEXICONS / "char_bigrams.txt"
    counts: Counter[str] = Counter()
    if not path.is_file():
        return counts
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        pair, _, count = line.partition("\t")
        counts[pair] = int(count or 1)
    return counts


def load_proper_names(path: Path | None = None) -> frozenset[str]:
    """Place and person names (lexicons/proper_names.txt): never read as misspelt words."""
    path = path or LEXICONS / "proper_names.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


@dataclass
class TypoModel:
    """Word frequencies plus character bigram counts."""

    words: dict[str, int]
    bigrams: Counter[str] = field(default_factory=Counter)
    # Left-context totals: how often each character is followed by another (sum of bigrams).
    left: Counter[str] = field(default_factory=Counter)
    # Right-context totals: how often each character follows another.
    right: Counter[str] = field(default_factory=Counter)
    total: int = 0
    names: frozenset[str] = frozenset()  # place and person names (load_proper_names)

    @classmethod
    def from_words(
        cls,
        words: dict[str, int],
        corpus_bigrams: Counter[str] | None = None,
        names: frozenset[str] = frozenset(),
    ) -> TypoModel:
        bigrams: Counter[str] = Counter(corpus_bigrams or ())
        for word, freq in words.items():
            # log-damped so that a handful of very frequent words do not dominate the counts
            weight = 1 + int(math.log(freq + 1))
            for i in range(len(word) - 1):
                bigrams[word[i : i + 2]] += weight
        model = cls(words=words, bigrams=bigrams, names=names)
        model._add_totals(bigrams)
        return model

    def _add_totals(self, pairs: Counter[str]) -> None:
        for pair, count in pairs.items():
            self.left[pair[0]] += count
            self.right[pair[1]] += count
            self.total += count


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True, slots=True)
class Candidates:
    """What `build_candidates` precomputes for a detector (typo_cache.py saves it)."""

    word_list: list[str]  # the words proposed as corrections, most frequent first
    # Pattern i stands for targets[first[i]] .. targets[first[i + 1] - 1], each packed as
    # word id * 4 + position of the wrong character.
    first: array[int]
    targets: array[int]
    patterns: PatternIndex
    char_weight: dict[str, int]  # a character's weight: the frequencies of its words


def build_candidates(words: dict[str, int], conf: ConfusionSets, cfg: TypoConfig) -> Candidates:
    """Every one-character confusable misspelling of a frequent word, with its targets."""
    edge_chars = frozenset(cfg.edge_function_chars)
    weight: Counter[str] = Counter()
    for word, freq in words.items():
        for ch in word:
            weight[ch] += freq
    allowed: frozenset[str] | None = None
    if cfg.common_chars:
        allowed = frozenset(ch for ch, _ in weight.most_common(cfg.common_chars))
    min_freq = {2: cfg.min_word_freq, 3: cfg.min_word_freq_3, 4: cfg.min_word_freq_4}
    chosen = [
        (freq, word)
        for word, freq in words.items()
        if 2 <= len(word) <= 4 and freq >= min_freq[len(word)]
    ]
    # Most frequent words first: a misspelling keeps the first `max_targets` words it
    # stands for. A target is packed as word id * 4 + position.
    chosen.sort(key=lambda fw: -fw[0])
    first: dict[str, int] = {}  # the common case: one target
    more: dict[str, list[int]] = {}
    limit = max(1, cfg.max_targets) - 1
    candidates: dict[tuple[str, bool, bool], tuple[str, ...]] = {}  # set unions, done once
    for word_id, (freq, word) in enumerate(chosen):
        wide = len(word) <= cfg.shape_max_len
        other_tone = wide and freq >= cfg.other_tone_min_freq
        last = len(word) - 1
        for pos, ch in enumerate(word):
            subs = candidates.get((ch, other_tone, wide))
            if subs is None:
                found = conf.candidates(
                    ch,
                    other_tone=other_tone,
                    toneless=cfg.toneless,
                    shape=wide,
                    fuzzy=cfg.fuzzy,
                )
                subs = candidates[ch, other_tone, wide] = tuple(
                    found & allowed if allowed else found
                )
            head, tail = word[:pos], word[pos + 1 :]
            packed = word_id * 4 + pos
            edge = pos in (0, last)
            for sub in subs:
                variant = head + sub + tail
                if variant in words or (edge and sub in edge_chars):
                    continue  # a word; or read as the function word itself (处理|其)
                if variant not in first:
                    first[variant] = packed
                elif limit:
                    extra = more.setdefault(variant, [])
                    if len(extra) < limit:
                        extra.append(packed)
    patterns, ordered = PatternIndex.build(first)
    # Two and a half million patterns: their targets are kept as flat arrays instead of
    # tuples (tens of MB less), in the index's order of the patterns.
    starts = array("I", [0])
    targets = array("I")
    for variant in ordered:
        targets.append(first[variant])
        targets.extend(more.get(variant, ()))
        starts.append(len(targets))
    return Candidates([word for _freq, word in chosen], starts, targets, patterns, dict(weight))


class TypoDetector:
    def __init__(
        self,
        model: TypoModel,
        confusion: ConfusionSets | None = None,
        config: TypoConfig | None = None,
        candidates: Candidates | None = None,
    ) -> None:
        """`candidates`: precomputed by `build_candidates` for this model, confusion sets and
        config (typo_cache.py loads them from disk); built here when absent."""
        self.model = model
        self.config = config or TypoConfig()
        conf = confusion or default_confusion()
        self._conf = conf
        self._log_total = math.log(sum(model.words.values()) or 1)
        if candidates is None:
            candidates = build_candidates(model.words, conf, self.config)
        self.candidates = candidates
        self._char_weight = candidates.char_weight
        self._word_list = candidates.word_list
        self._first = candidates.first
        self._targets = candidates.targets
        self._patterns = candidates.patterns
        self._pattern_count = candidates.patterns.count
        # The context-free part of the score depends on the reading alone: computed lazily,
        # once per pattern (doing it here for a million patterns would double the build time).
        self._viable: dict[int, tuple[tuple[str, int, float], ...]] = {}
        self._refresh()

    @property
    def pattern_count(self) -> int:
        return self._pattern_count

    def detect(self, text: str) -> list[TypoHit]:
        if not self._pattern_count:
            return []
        hits: dict[int, TypoHit] = {}
        repeated: dict[str, bool] = {}
        cfg = self.config
        threshold = cfg.threshold
        w_gain = WEIGHTS["context_gain"]
        viable = self._viable
        # Cheapest tests first: the cached context-free score of the pattern's readings, then
        # the bigram gain (four lookups), the known words around the character, the rules.
        for index, start, end in self._patterns.find(text, cfg.automaton_after):
            readings = viable.get(index)
            if readings is None:
                readings = viable[index] = self._readings(index, text[start:end])
            for word, pos, static in readings:
                p = start + pos
                score = static + w_gain * self._context_gain(text, p, word[pos])
                if score < threshold:
                    continue
                local, lp = _local_window(text, p)
                score += self._around_score(local, lp)
                old = hits.get(p)
                if score < threshold or (old is not None and score <= old.gain):
                    continue
                if _parallel(local, lp) or _explained(text, start, end, p):
                    continue
                ls = lp - pos
                if self._claimed_outside(local, ls, ls + end - start, lp):
                    continue
                span = text[start:end]
                if span not in repeated:
                    repeated[span] = text.count(span) >= cfg.repeat_ok
                if repeated[span]:
                    break
                hits[p] = TypoHit(start, end, span, word, score)
        return [hits[p] for p in sorted(hits)]

    def candidate_readings(self, text: str) -> list[tuple[TypoHit, dict[str, float]]]:
        """Every reading `detect` weighs, before the threshold (the hard rules applied), with
        its features; the hit's gain is the score under WEIGHTS. For refitting the weights
        (bench/text_fit_weights.py), not for checking: it skips detect's shortcuts."""
        if not self._pattern_count:
            return []
        w = WEIGHTS
        out: list[tuple[TypoHit, dict[str, float]]] = []
        repeated: dict[str, bool] = {}
        for index, start, end in self._patterns.find(text, self.config.automaton_after):
            span = text[start:end]
            if span not in repeated:
                repeated[span] = text.count(span) >= self.config.repeat_ok
            if repeated[span]:
                continue
            for t in range(self._first[index], self._first[index + 1]):
                packed = self._targets[t]
                word, pos = self._word_list[packed >> 2], packed & 3
                p = start + pos
                local, lp = _local_window(text, p)
                if _parallel(local, lp) or _explained(text, start, end, p):
                    continue
                ls = lp - pos
                if self._claimed_outside(local, ls, ls + end - start, lp):
                    continue
                features = self.reading_features(text, start, word, pos)
                if features is None:
                    continue
                score = w["bias"] + sum(w[name] * features[name] for name in FEATURES)
                out.append((TypoHit(start, end, span, word, score), features))
        return out

    def _readings(self, index: int, span: str) -> tuple[tuple[str, int, float], ...]:
        """The readings of pattern `index` that can reach the threshold in some context,
        with their context-free score (computed once per pattern)."""
        limit = self.config.threshold - WEIGHTS["context_gain"] * _CLIP
        out = []
        for t in range(self._first[index], self._first[index + 1]):
            packed = self._targets[t]
            word, pos = self._word_list[packed >> 2], packed & 3
            static = self._static_score(span, word, pos)
            if static >= limit:
                out.append((word, pos, static))
        return tuple(out)

    def reading_features(
        self, text: str, start: int, word: str, pos: int
    ) -> dict[str, float] | None:
        """The thirteen features the score weighs (`FEATURES`) for reading the candidate at
        text[start : start + len(word)] as `word`, its character `pos` being the typo; None
        when a place or person name covers that character
        (the reading is never reported). The score is WEIGHTS["bias"] plus the weighted sum."""
        p = start + pos
        local, lp = _local_window(text, p)
        known = self._known_around(local, lp)
        if known is None:
            return None
        features = self._static_features(text[start : start + len(word)], word, pos)
        features["context_gain"] = self._context_gain(text, p, word[pos])
        features["known_around"] = known
        return features

    def _context_gain(self, text: str, p: int, sub: str) -> float:
        """The context-gain feature: `_gain`, clipped."""
        if 0 < p < len(text) - 1 and not (text[p - 1].isspace() or text[p + 1].isspace()):
            gain = self._gain(text, p, sub)
        else:  # line breaks inside a word (PDF, pages): judge without them
            gain = self._gain(*_local_window(text, p), sub)
        return max(-_CLIP_LOW, min(_CLIP, gain))

    def _static_score(self, span: str, word: str, pos: int) -> float:
        """The part of the score that does not depend on the text around the candidate."""
        features = self._static_features(span, word, pos)
        w = WEIGHTS
        score = w["bias"]
        for name in STATIC_FEATURES:
            score += w[name] * features[name]
        return score

    def _static_features(self, span: str, word: str, pos: int) -> dict[str, float]:
        """The features that do not depend on the text around the candidate."""
        words = self.model.words
        conf = self._conf
        wrong, right = span[pos], word[pos]
        unigram = math.log(words.get(word, 0.5)) - self._log_total - self._segment_logp(span)
        same = right in conf.same_tone.get(wrong, ())
        other = not same and right in conf.other_tone.get(wrong, ())
        main = main_pinyin()
        same_main = main.get(wrong) is not None and main.get(wrong) == main.get(right)
        weight = self._char_weight
        return {
            "unigram_gain": max(-_CLIP_LOW, min(_CLIP, unigram)),
            "length": len(word),
            "same_tone": float(same),
            "other_tone": float(other),
            "same_main_pinyin": float(same_main),
            "wrong_char_weight": math.log1p(weight.get(wrong, 0)),
            "right_char_weight": math.log1p(weight.get(right, 0)),
            "wrong_char_word": math.log1p(words.get(wrong, 0)),
            "right_char_word": math.log1p(words.get(right, 0)),
            "right_char_function": float(right in FUNCTION_CHARS),
            "wrong_function_at_edge": float(wrong in FUNCTION_CHARS and pos in (0, len(span) - 1)),
        }

    def _around_score(self, local: str, lp: int) -> float:
        """The known-word feature of the original character (the best word it forms with its
        neighbours); -inf when a place or person name covers it. Cached on the seven characters around it (pages repeat their boilerplate)."""
        key = local[max(0, lp - 3) : lp + 4] + str(min(lp, 3))
        cached = self._context_cache.get(key)
        if cached is not None:
            return cached
        known = self._known_around(local, lp)
        score = -math.inf if known is None else WEIGHTS["known_around"] * known
        if len(self._context_cache) >= _CACHE_SIZE:
            self._context_cache.clear()
        self._context_cache[key] = score
        return score

    def _known_around(self, local: str, lp: int) -> float | None:
        """The known-word feature: log(1 + frequency of the best word the original character
        forms with its neighbours); None when a place or person name covers it."""
        words = self.model.words
        names = self.model.names
        best = 0
        for n in (2, 3, 4):
            for s in range(max(0, lp - n + 1), min(lp, len(local) - n) + 1):
                gram = local[s : s + n]
                if gram in names:
                    return None
                freq = words.get(gram, 0)
                if freq > best:
                    best = freq
        return math.log1p(best)

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
        """log P(corrected) - log P(original) under the bigram model, over the two pairs
        that touch text[p] (the terms of the pair before the character's left neighbour
        cancel out). Cached on the three characters and the substitute."""
        old = text[p]
        before = text[p - 1] if p > 0 else ""
        after = text[p + 1] if p + 1 < len(text) else ""
        key = before + old + after + sub if before and after else f"{before}|{old}|{after}|{sub}"
        cache = self._gain_cache
        gain = cache.get(key)
        if gain is not None:
            return gain
        bigrams = self.model.bigrams
        prior, log_left = self._prior, self._log_left
        mu = self.config.smoothing
        floor = mu * 0.5 / (self.model.total or 1)  # prior of a character never seen
        gain = 0.0
        if before:
            gain += math.log(bigrams.get(before + sub, 0) + prior.get(sub, floor)) - math.log(
                bigrams.get(before + old, 0) + prior.get(old, floor)
            )
        if after:
            pa = prior.get(after, floor)
            gain += math.log(bigrams.get(sub + after, 0) + pa) - math.log(
                bigrams.get(old + after, 0) + pa
            )
            gain += log_left.get(old, math.log(mu)) - log_left.get(sub, math.log(mu))
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[key] = gain
        return gain

    def _refresh(self) -> None:
        """Per-character terms of the bigram model, and empty caches."""
        model = self.model
        mu = self.config.smoothing
        total = model.total or 1
        self._prior = {ch: mu * (n + 0.5) / total for ch, n in model.right.items()}
        self._log_left = {ch: math.log(n + mu) for ch, n in model.left.items()}
        self._gain_cache: dict[str, float] = {}
        self._context_cache: dict[str, float] = {}

    def _segment_logp(self, span: str) -> float:
        """Log-probability of the best segmentation of `span` into known words (unigram)."""
        words = self.model.words
        log_total = self._log_total
        if len(span) == 2:  # the common case, without the loop
            both = words.get(span, 0)
            a, b = words.get(span[0], 0.5), words.get(span[1], 0.5)
            split = math.log(a) + math.log(b) - 2 * log_total
            return max(split, math.log(both) - log_total) if both else split
        best = [0.0] + [-math.inf] * len(span)
        for i in range(1, len(span) + 1):
            for j in range(max(0, i - 4), i):
                freq = words.get(span[j:i], 0.5 if i - j == 1 else 0)
                if freq:
                    best[i] = max(best[i], best[j] + math.log(freq) - log_total)
        return best[-1]


_DIGITS = frozenset("0123456789０１２３４５６７８９〇一二三四五六七八九十百千两")
_NUMBER_UNITS = frozenset("年月日时分秒号个条项件次元万亿名人家所期")
_ENUMERATION = frozenset("一二三四五六七八九十")  # 一是…二是…, 二要, 三抓
_ENUMERATION_NEXT = frozenset("是要抓则")
_INSTITUTION_SUFFIX = frozenset("局委办厅署")  # 教体局, 发改委: abbreviated institution names
# Pronouns and particles: a 、-separated item holding one is a clause, not a name.
_CLAUSE_CHARS = frozenset("我你他她它们的了是在有很都也就")
# What separates the items of a list (、) and the clauses around them.
_SEPARATORS = frozenset("、，。；：（）()|《》“”‘’「」 \t\n\u3000,;:!?！？")


def _explained(text: str, start: int, end: int, p: int) -> bool:
    """Cheap rules: readings the text explains without a typo."""
    if p > 0 and text[p] in _NUMBER_UNITS and text[p - 1] in _DIGITS:
        return True  # 17时前: 时 belongs to the time, not to 提前
    if _enumeration(text, p) or (p > 0 and _enumeration(text, p - 1)):
        return True  # 二是 at the head of a clause: an enumeration, not 而是 or 二十
    if end < len(text) and (
        text[end] in _INSTITUTION_SUFFIX
        or (end + 1 < len(text) and text[end + 1] in _INSTITUTION_SUFFIX and _is_cjk(text[end]))
    ):
        return True  # 市教体局
    return _list_item(text, p)


def _enumeration(text: str, p: int) -> bool:
    """一是, 二要, 三抓 at the head of a clause."""
    return (
        text[p] in _ENUMERATION
        and (p == 0 or not _is_cjk(text[p - 1]))
        and p + 1 < len(text)
        and text[p + 1] in _ENUMERATION_NEXT
    )


def _list_item(text: str, p: int, longest: int = 8) -> bool:
    """Whether text[p] is inside a short item of a 、-separated list (names of people,
    accounts, units: 县公安、魅力南彰、开封卫生健康). An item with a pronoun or a particle
    is a clause, not a name (我门烤肉、吃水果): it is checked like running text."""
    a = p
    while a > 0 and text[a - 1] not in _SEPARATORS and p - a < longest:
        a -= 1
    b = p
    while b < len(text) and text[b] not in _SEPARATORS and b - a <= longest:
        b += 1
    if b - a > longest:
        return False
    left = text[a - 1] if a > 0 else ""
    right = text[b] if b < len(text) else ""
    if "、" not in (left, right):
        return False
    return not any(ch in _CLAUSE_CHARS for ch in text[a:b])


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
    """The detector over the shipped lexicons; with `config.cache_dir`, loaded from (or
    built into) the disk cache, once per process (typo_cache.py)."""
    # typo_cache imports this module: imported here, not at the top.
    from govwatch.engine.text.typo_cache import build_model, cached_detector

    config = config or TypoConfig()
    if config.cache_dir is not None:
        return cached_detector(config)
    return TypoDetector(build_model(config), default_confusion(), config)
