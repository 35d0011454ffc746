"""The typo layer's candidate misspellings, found in a text without an automaton.

About 2.5 million misspellings of two to four characters are the candidates. An Aho-Corasick
automaton over them took 10-17 s to build on every start and cannot be saved, so they are
kept as fixed-width sorted records in one byte string that is cheap to cache on disk and to
load (bench/text_startup_bench.py). Records are grouped by first character ("shards"); a
shard is decoded only when a text uses its first character.

A text looks each of its distinct substrings of two to four characters up by binary search
in the shard of its first character (C-level bisect over the records' second characters,
then a find among the few records that share them): a page costs milliseconds and little
memory. Bulk checks (a text over AUTOMATON_TEXT characters, or AUTOMATON_AFTER searched in
all) build the automaton once after all, from these records, and use it from then on. Both
searches return the same matches in the automaton's order (by end, then longest first), so
the detector sees exactly the sequence it saw before.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import compress, repeat

import ahocorasick_rs

MIN_LEN, MAX_LEN = 2, 4
WIDTH = MAX_LEN - 1  # a record: the pattern without its first character, padded
_PAD = "\0"  # pads a record; never inside a pattern
# The automaton (10-20 s to build, ~0.5 GB) is built for a text longer than AUTOMATON_TEXT
# or once an index has searched AUTOMATON_AFTER characters (bulk checks): from there on it
# is some fifty times faster per character than the binary search.
AUTOMATON_TEXT = 1_000_000
AUTOMATON_AFTER = 3_000_000

# One shard: (index of its first pattern, offset and length of its records in the blob).
Shard = tuple[int, int, int]


def _record(pattern: str) -> str:
    return pattern[1:].ljust(WIDTH, _PAD)


class PatternIndex:
    """Patterns (distinct strings of MIN_LEN..MAX_LEN characters) and their indexes."""

    def __init__(self, shards: dict[str, Shard], blob: bytes) -> None:
        self.shards = shards
        self.blob = blob
        self.count = sum(length for _b, _o, length in shards.values()) // WIDTH
        self._decoded: dict[str, tuple[str, str]] = {}  # first char -> (records, 2nd chars)
        self._searched = 0
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        self._lock = threading.Lock()

    @classmethod
    def build(cls, patterns: Iterable[str]) -> tuple[PatternIndex, list[str]]:
        """The index over `patterns`, and the patterns in index order."""
        groups: dict[str, list[str]] = {}
        for pattern in patterns:
            if not MIN_LEN <= len(pattern) <= MAX_LEN or _PAD in pattern:
                raise ValueError(f"pattern {pattern!r}: {MIN_LEN}-{MAX_LEN} characters")
            groups.setdefault(pattern[0], []).append(pattern)
        shards: dict[str, Shard] = {}
        parts: list[bytes] = []
        ordered: list[str] = []
        offset = 0
        for first in sorted(groups):
            group = sorted(groups[first], key=_record)
            data = "".join(map(_record, group)).encode("utf-32-le")
            shards[first] = (len(ordered), offset, len(group) * WIDTH)
            parts.append(data)
            offset += len(data)
            ordered.extend(group)
        return cls(shards, b"".join(parts)), ordered

    def _records(self, first: str) -> tuple[str, str]:
        """A shard's records (one string) and their second characters (sorted)."""
        decoded = self._decoded.get(first)
        if decoded is None:
            _base, offset, length = self.shards[first]
            records = self.blob[offset : offset + 4 * length].decode("utf-32-le")
            if len(records) != length:
                raise ValueError(f"shard {first!r}: {len(records)} characters, {length} expected")
            decoded = self._decoded[first] = (records, records[::WIDTH])
        return decoded

    def index_of(self, gram: str) -> int:
        """The index of pattern `gram`, or -1."""
        return self._lookup({gram}).get(gram, -1)

    def _lookup(self, grams: set[str]) -> dict[str, int]:
        """The index of each of `grams` that is a pattern (binary search, no dict)."""
        found: dict[str, int] = {}
        shards = self.shards
        decoded = self._decoded
        for gram in grams:
            first = gram[0]
            shard = shards.get(first)
            if shard is None:
                continue
            records, seconds = decoded.get(first) or self._records(first)
            second = gram[1]
            lo = bisect_left(seconds, second)
            hi = bisect_right(seconds, second, lo)
            if lo == hi:
                continue
            key = gram[1:].ljust(WIDTH, _PAD)
            pos = records.find(key, lo * WIDTH, hi * WIDTH)
            while pos != -1 and pos % WIDTH:  # a key straddling two records
                pos = records.find(key, pos + 1, hi * WIDTH)
            if pos != -1:
                found[gram] = shard[0] + pos // WIDTH
        return found

    def patterns(self) -> list[str]:
        """Every pattern, in index order."""
        out: list[str] = []
        for first in sorted(self.shards, key=lambda ch: self.shards[ch][0]):
            records, _seconds = self._records(first)
            length = len(records)
            cuts = map(slice, range(0, length, WIDTH), range(WIDTH, length + 1, WIDTH))
            tails = map(str.rstrip, map(records.__getitem__, cuts), repeat(_PAD))
            out.extend(map(first.__add__, tails))
        return out

    def _build_automaton(self) -> ahocorasick_rs.AhoCorasick:
        with self._lock:
            if self._automaton is None:
                # Contiguous NFA: half the build time of the default DFA for ~1 M patterns,
                # and as fast to search.
                self._automaton = ahocorasick_rs.AhoCorasick(
                    self.patterns(),
                    matchkind=ahocorasick_rs.MatchKind.Standard,
                    implementation=ahocorasick_rs.Implementation.ContiguousNFA,
                )
                self._decoded.clear()
        return self._automaton

    def find(
        self, text: str, automaton_after: int | None = AUTOMATON_AFTER
    ) -> list[tuple[int, int, int]]:
        """Every occurrence of every pattern, overlapping: (pattern index, start, end), by
        end and then by start (longest first), as ahocorasick_rs' overlapping search gives
        them. `automaton_after`: characters searched in this index (this text included)
        before the automaton is built; None: never (a web server: no pause, steady memory)."""
        self._searched += len(text)
        bulk = automaton_after is not None and (
            len(text) > AUTOMATON_TEXT or self._searched > automaton_after
        )
        if bulk and self._automaton is None and self.count:
            self._build_automaton()
        if self._automaton is not None:
            return self._automaton.find_matches_as_indexes(text, overlapping=True)
        n = len(text)
        sizes = [size for size in range(MIN_LEN, MAX_LEN + 1) if size <= n]

        def grams(size: int) -> Iterator[str]:
            starts = range(n - size + 1)
            return map(text.__getitem__, map(slice, starts, range(size, n + 1)))

        # Only the distinct substrings are searched; their positions are then found in C.
        index = self._lookup(set().union(*(grams(size) for size in sizes)))
        found: list[tuple[int, int, int]] = []
        for size in sizes:
            starts = range(n - size + 1)
            found.extend(
                (start + size, start, index[text[start : start + size]])
                for start in compress(starts, map(index.__contains__, grams(size)))
            )
        found.sort()
        return [(i, start, end) for end, start, i in found]
