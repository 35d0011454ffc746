"""Gazetteers of canonical terms and the near-miss spellings generated from them.

A near miss is a span one character away from a canonical term of four or more characters:
a confusable substitution (same pinyin or similar shape) or two neighbours swapped. Instead of
searching approximately at run time, every near miss is generated once and put into the shared
automaton, so the scan stays a single exact pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from govwatch.engine.text.confusion import ConfusionSets
from govwatch.engine.text.findings import (
    IDIOM,
    INSTITUTION_NAME,
    LEADER_TITLE,
    PLACE_NAME,
    POLITICAL_PHRASE,
)

LEXICONS = Path(__file__).with_name("lexicons")
MIN_NEAR_MISS_LEN = 4
TERM_FILES: dict[str, str] = {
    PLACE_NAME: "terms_place_name.txt",
    INSTITUTION_NAME: "terms_institution_name.txt",
    POLITICAL_PHRASE: "terms_political_phrase.txt",
    IDIOM: "terms_idiom.txt",
}


@dataclass(frozen=True, slots=True)
class CanonicalTerm:
    term: str
    category: str
    source: str


@dataclass(frozen=True, slots=True)
class Leader:
    name: str
    titles: tuple[str, ...]
    reviewed: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    terms: tuple[CanonicalTerm, ...]
    leaders: tuple[Leader, ...]
    titles: tuple[str, ...]  # high titles: a leader next to one not theirs is a finding


@dataclass(frozen=True, slots=True)
class NearMiss:
    canonical: str
    category: str
    kind: str  # "substitution" | "swap"
    source: str


@dataclass(frozen=True, slots=True)
class TitleMismatch:
    name: str
    title: str
    correct_titles: tuple[str, ...]
    source: str


def parse_term_lines(text: str, category: str, source: str) -> list[CanonicalTerm]:
    out = []
    for line in text.splitlines():
        term = line.strip()
        if term and not term.startswith("#"):
            out.append(CanonicalTerm(term, category, source))
    return out


def parse_leaders(text: str, source: str) -> list[Leader]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = []
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        titles = tuple(t.strip() for t in (row.get("titles") or "").split("|") if t.strip())
        out.append(Leader(row["name"].strip(), titles, (row.get("reviewed") or "").strip()))
    return out


def load_gazetteer(
    directory: Path = LEXICONS, extra_terms: Iterable[CanonicalTerm] = ()
) -> Gazetteer:
    terms: list[CanonicalTerm] = []
    for category, name in TERM_FILES.items():
        path = directory / name
        if path.exists():
            terms.extend(parse_term_lines(path.read_text(encoding="utf-8"), category, name))
    terms.extend(extra_terms)
    leaders_path = directory / "leaders.csv"
    leaders = (
        parse_leaders(leaders_path.read_text(encoding="utf-8"), "leaders.csv")
        if leaders_path.exists()
        else []
    )
    titles_path = directory / "titles.txt"
    titles = (
        [t.term for t in parse_term_lines(titles_path.read_text(encoding="utf-8"), "", "")]
        if titles_path.exists()
        else []
    )
    return Gazetteer(tuple(terms), tuple(leaders), tuple(titles))


def leader_terms(gazetteer: Gazetteer) -> list[CanonicalTerm]:
    """Name + own title ("习近平总书记") is canonical; the name alone is too short to vary."""
    return [
        CanonicalTerm(leader.name + title, LEADER_TITLE, "leaders.csv")
        for leader in gazetteer.leaders
        for title in leader.titles
    ]


def title_mismatches(gazetteer: Gazetteer) -> Iterator[tuple[str, TitleMismatch]]:
    for leader in gazetteer.leaders:
        for title in gazetteer.titles:
            if title not in leader.titles:
                yield (
                    leader.name + title,
                    TitleMismatch(leader.name, title, leader.titles, "leaders.csv"),
                )


def one_char_variants(term: str, confusion: ConfusionSets) -> Iterator[tuple[str, str]]:
    """(variant, kind) for every confusable substitution and every neighbour swap."""
    for i, ch in enumerate(term):
        if not "\u4e00" <= ch <= "\u9fff":
            continue
        for sub in confusion.candidates(ch):
            yield term[:i] + sub + term[i + 1 :], "substitution"
    for i in range(len(term) - 1):
        a, b = term[i], term[i + 1]
        if a != b and "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff":
            yield term[:i] + b + a + term[i + 2 :], "swap"


def near_miss_entries(
    terms: Iterable[CanonicalTerm], confusion: ConfusionSets, is_known: Callable[[str], bool]
) -> Iterator[tuple[str, NearMiss]]:
    """Near misses of every term of >= 4 chars, minus those that are real terms or words."""
    term_list = list(terms)
    canonical = {t.term for t in term_list}
    for term in term_list:
        if len(term.term) < MIN_NEAR_MISS_LEN:
            continue
        for variant, kind in one_char_variants(term.term, confusion):
            if variant in canonical or is_known(variant):
                continue
            yield variant, NearMiss(term.term, term.category, kind, term.source)
