"""Confusion sets: characters that are easy to type or read for one another.

Data: lexicons/same_pinyin.txt and same_stroke.txt from pycorrector (Apache-2.0, see
lexicons/README.md). Homophones come first because input-method errors (拼音输入法) are by far
the most frequent cause of wrong characters in published text. pycorrector's homophone list
misses many pairs (一/异, 煅/锻): `pinyin_homophones` adds every GB2312 character that shares
its main toneless reading, from pypinyin's character table (lexicons/pinyin.txt, built by
bench/text_build_data.py). `fuzzy_homophones` goes one step further, to the pairs that
fuzzy-pinyin input (模糊音: zh/z, ch/c, sh/s, -ing/-in, -eng/-en, -ang/-an) and regional
accents make (开兴 for 开心, 四 for 是).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LEXICONS = Path(__file__).with_name("lexicons")


@dataclass(frozen=True, slots=True)
class ConfusionSets:
    same_tone: dict[str, frozenset[str]]
    other_tone: dict[str, frozenset[str]]
    shape: dict[str, frozenset[str]]
    toneless: dict[str, frozenset[str]] = field(default_factory=dict)  # pinyin_homophones()
    fuzzy: dict[str, frozenset[str]] = field(default_factory=dict)  # fuzzy_homophones()

    def candidates(
        self,
        ch: str,
        *,
        other_tone: bool = True,
        toneless: bool = False,
        shape: bool = True,
        fuzzy: bool = False,
    ) -> frozenset[str]:
        out = self.same_tone.get(ch, frozenset())
        if shape:
            out |= self.shape.get(ch, frozenset())
        if other_tone:
            out |= self.other_tone.get(ch, frozenset())
        if toneless:
            out |= self.toneless.get(ch, frozenset())
        if fuzzy:
            out |= self.fuzzy.get(ch, frozenset())
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


@lru_cache(maxsize=2)
def _readings(all_readings: bool) -> dict[str, frozenset[str]]:
    """Toneless pinyin readings of the GB2312 characters (lexicons/pinyin.txt: character,
    then its readings, main one first, as pypinyin lists them)."""
    readings: dict[str, frozenset[str]] = {}
    path = LEXICONS / "pinyin.txt"
    if not path.is_file():
        return readings
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        ch, _, listed = line.partition("\t")
        sounds = listed.split(",")
        readings[ch] = frozenset(sounds if all_readings else sounds[:1])
    return readings


@lru_cache(maxsize=1)
def main_pinyin() -> dict[str, str]:
    """The main (first-listed) reading of each GB2312 character, without tone: 地 → di."""
    return {ch: next(iter(sounds)) for ch, sounds in _readings(False).items()}


def pinyin_homophones(*, all_readings: bool = False) -> dict[str, frozenset[str]]:
    """GB2312 characters whose main reading is the same once tones are dropped.

    Only the first (main) reading of each character by default: secondary readings (和 huó,
    的 dí) pair characters that nobody confuses and would double the candidates. A set holds
    the character itself (`candidates` drops it): characters of one sound share one set."""
    readings = _readings(all_readings)
    by_sound: dict[str, set[str]] = {}
    for ch, sounds in readings.items():
        for sound in sounds:
            by_sound.setdefault(sound, set()).add(ch)
    groups = {sound: frozenset(chars) for sound, chars in by_sound.items()}
    shared: dict[frozenset[str], frozenset[str]] = {}
    out: dict[str, frozenset[str]] = {}
    for ch, sounds in readings.items():
        if len(sounds) == 1:
            out[ch] = groups[next(iter(sounds))]
        else:
            union = frozenset().union(*(groups[s] for s in sounds))
            out[ch] = shared.setdefault(union, union)
    return out


# Fuzzy-pinyin folding (模糊音): the initials and finals that input methods offer to merge and
# that speakers of many dialects do not tell apart. n/l was measured too and left out: it
# brought false alarms in the seed bulletins for little recall; h/f was not tried.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def fuzzy_reading(sound: str) -> str:
    """A toneless reading folded to its fuzzy-pinyin class: shang → san, xing → xin."""
    for long, short in _FUZZY_INITIALS:
        if sound.startswith(long):
            sound = short + sound[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if sound.endswith(long):
            return sound[: -len(long)] + short
    return sound


def fuzzy_homophones() -> dict[str, frozenset[str]]:
    """GB2312 characters whose main readings fall in one fuzzy-pinyin class (心/兴, 是/四,
    山/伤); a set holds the character itself, as in `pinyin_homophones`."""
    by_class: dict[str, set[str]] = {}
    main = main_pinyin()
    for ch, sound in main.items():
        by_class.setdefault(fuzzy_reading(sound), set()).add(ch)
    groups = {key: frozenset(chars) for key, chars in by_class.items()}
    return {ch: groups[fuzzy_reading(sound)] for ch, sound in main.items()}


@lru_cache(maxsize=1)
def default_confusion() -> ConfusionSets:
    base = parse_confusion(
        (LEXICONS / "same_pinyin.txt").read_text(encoding="utf-8"),
        (LEXICONS / "same_stroke.txt").read_text(encoding="utf-8"),
    )
    return ConfusionSets(
        base.same_tone, base.other_tone, base.shape, pinyin_homophones(), fuzzy_homophones()
    )
