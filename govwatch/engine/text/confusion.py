"""Confusion sets: characters that are easy to type or read for one another.

Data: lexicons/same_pinyin.txt and same_stroke.txt from pycorrector (Apache-2.0, see
lexicons/README.md). Homophones come first because input-method errors (拼音输入法) are by far
the most frequent cause of wrong characters in published text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICONS = Path(__file__).with_name("lexicons")


@dataclass(frozen=True, slots=True)
class ConfusionSets:
    same_tone: dict[str, frozenset[str]]
    other_tone: dict[str, frozenset[str]]
    shape: dict[str, frozenset[str]]

    def candidates(self, ch: str, *, other_tone: bool = True) -> frozenset[str]:
        out = self.same_tone.get(ch, frozenset()) | self.shape.get(ch, frozenset())
        if other_tone:
            out |= self.other_tone.get(ch, frozenset())
        return out - {ch}


def _cjk(text: str) -> frozenset[str]:
    return frozenset(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def parse_confusion(same_pinyin: str, same_stroke: str) -> ConfusionSets:
    same_tone: dict[str, frozenset[str]] = {}
    other_tone: dict[str, frozenset[str]] = {}
    for line in same_pinyin.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        ch = parts[0].strip()
        if len(ch) != 1:
            continue
        same_tone[ch] = _cjk(parts[1]) if len(parts) > 1 else frozenset()
        other_tone[ch] = _cjk(parts[2]) if len(parts) > 2 else frozenset()
    shape: dict[str, set[str]] = {}
    for line in same_stroke.splitlines():
        group = _cjk(line)
        for ch in group:
            shape.setdefault(ch, set()).update(group - {ch})
    return ConfusionSets(same_tone, other_tone, {k: frozenset(v) for k, v in shape.items()})


@lru_cache(maxsize=1)
def default_confusion() -> ConfusionSets:
    return parse_confusion(
        (LEXICONS / "same_pinyin.txt").read_text(encoding="utf-8"),
        (LEXICONS / "same_stroke.txt").read_text(encoding="utf-8"),
    )
