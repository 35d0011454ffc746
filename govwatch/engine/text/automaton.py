"""One Aho-Corasick automaton over many dictionaries (ahocorasick_rs, leftmost-longest).

Two modes. Leftmost-longest (the default) is one non-overlapping pass: a longer pattern wins
over a shorter one starting at the same place. The text checker uses `find_outermost`: an
overlapping pass resolved so that a match strictly inside a longer match is dropped. That keeps
the leftmost-longest guarantee that a correct long form ("新疆维吾尔自治区", a whitelisted
word) never triggers a wrong short form inside it, without letting a term that merely overlaps
a hit ("河北省" before "省省委书记") hide it, which plain leftmost-longest would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick_rs

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    start: int
    end: int
    pattern: str
    payloads: tuple[P, ...]


class Automaton(Generic[P]):
    """Patterns with payloads; one pattern may carry several payloads (from several lists)."""

    def __init__(self, entries: Iterable[tuple[str, P]], *, overlapping: bool = False) -> None:
        grouped: dict[str, list[P]] = {}
        for pattern, payload in entries:
            if pattern:
                grouped.setdefault(pattern, []).append(payload)
        self._patterns: list[str] = list(grouped)
        self._payloads: list[tuple[P, ...]] = [tuple(grouped[p]) for p in self._patterns]
        self._overlapping = overlapping
        kind = (
            ahocorasick_rs.MatchKind.Standard
            if overlapping
            else ahocorasick_rs.MatchKind.LeftmostLongest
        )
        self._ac: ahocorasick_rs.AhoCorasick | None = (
            ahocorasick_rs.AhoCorasick(self._patterns, matchkind=kind) if self._patterns else None
        )

    def __len__(self) -> int:
        return len(self._patterns)

    def raw_matches(self, text: str) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) triples: the fast path for benchmarks and bulk scans."""
        if self._ac is None:
            return []
        return self._ac.find_matches_as_indexes(text, overlapping=self._overlapping)

    def payloads(self, index: int) -> tuple[P, ...]:
        return self._payloads[index]

    def pattern(self, index: int) -> str:
        return self._patterns[index]

    def find(self, text: str) -> Iterator[Match[P]]:
        for index, start, end in self.raw_matches(text):
            yield Match(start, end, self._patterns[index], self._payloads[index])

    def find_outermost(self, text: str) -> tuple[list[Match[P]], list[Match[P]]]:
        """(outermost matches, matches strictly inside a longer one); needs overlapping mode."""
        raw = sorted(self.raw_matches(text), key=lambda m: (m[1], -m[2]))
        outer: list[Match[P]] = []
        inner: list[Match[P]] = []
        reach = -1
        for index, start, end in raw:
            match = Match(start, end, self._patterns[index], self._payloads[index])
            # Earlier matches start no later and, at the same start, end later: if one of them
            # reaches this far, it strictly contains this match (patterns are unique).
            (inner if reach >= end else outer).append(match)
            reach = max(reach, end)
        return outer, inner
