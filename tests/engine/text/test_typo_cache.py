"""The typo model's disk cache: built once, loaded after, rebuilt when its sources change
or the file is damaged; never a crash. A toy word list keeps each build quick; one test
checks the shipped model itself through the cache."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from govwatch.engine.text import typo_cache
from govwatch.engine.text.typo_cache import (
    TypoSources,
    cache_key,
    cache_path,
    load_or_build,
)
from govwatch.engine.text.typo_patterns import PatternIndex
from govwatch.engine.text.typos import TypoConfig, TypoDetector

WORDS = {"部署": 5000, "工作": 9000, "会议": 8000, "召开": 3000, "工": 10, "作": 10}
WORDS.update({"布": 50, "署": 50, "的": 90000, "发生": 4000, "事故": 3000, "积极": 5000})
TEXT = "召开工作布署会议，杜绝事故发升。"


def toy_sources(folder: Path, words: dict[str, int] = WORDS) -> TypoSources:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "words.txt").write_text(
        "".join(f"{w}\t{f}\n" for w, f in words.items()), encoding="utf-8"
    )
    (folder / "gov.txt").write_text("# 无\n", encoding="utf-8")
    (folder / "names.txt").write_text("临渭\n", encoding="utf-8")
    (folder / "bigrams.txt").write_text("工作\t30\n会议\t20\n", encoding="utf-8")
    return TypoSources(
        words=folder / "words.txt",
        gov_words=folder / "gov.txt",
        bigrams=folder / "bigrams.txt",
        names=folder / "names.txt",
    )


def toy_config(cache: Path) -> TypoConfig:
    return TypoConfig(min_word_freq=100, threshold=-5.0, cache_dir=cache)


def hits(detector: TypoDetector, text: str = TEXT) -> list[tuple[int, str, str, float]]:
    return [(h.start, h.wrong, h.suggestion, h.gain) for h in detector.detect(text)]


def test_built_once_then_loaded_with_the_same_results(tmp_path: Path) -> None:
    sources, config = toy_sources(tmp_path / "lex"), toy_config(tmp_path / "cache")
    built, status = load_or_build(config, sources)
    assert status == "built"
    path = cache_path(config, sources)
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    assert hits(built) and ("布署", "部署") in [(w, s) for _, w, s, _ in hits(built)]
    for _ in range(2):  # two more loads in this process: read, never rebuilt or rewritten
        loaded, status = load_or_build(config, sources)
        assert status == "loaded"
        assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp
        assert hits(loaded) == hits(built)
        assert loaded.pattern_count == built.pattern_count > 0
    # Built directly in memory (no cache at all): the same findings.
    plain = TypoDetector(typo_cache.build_model(config, sources), config=config)
    assert hits(plain) == hits(built)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_the_threshold_does_not_split_the_cache(tmp_path: Path) -> None:
    sources, config = toy_sources(tmp_path / "lex"), toy_config(tmp_path / "cache")
    load_or_build(config, sources)
    strict = TypoConfig(min_word_freq=100, threshold=5.0, cache_dir=config.cache_dir)
    detector, status = load_or_build(strict, sources)
    assert status == "loaded" and hits(detector) == []
    other = TypoConfig(min_word_freq=50, threshold=-5.0, cache_dir=config.cache_dir)
    assert cache_key(other, sources) != cache_key(config, sources)  # a build field does


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a cache file at all",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-40] + bytes(40),  # payload bytes changed: checksum
        lambda data: data[:8] + bytes(32) + data[40:],  # key of other sources
        lambda data: data[:44] + b"\x00garbage" + data[52:],  # inside the marshal data
    ],
)
def test_a_damaged_file_is_rebuilt_never_a_crash(tmp_path: Path, damage: object) -> None:
    sources, config = toy_sources(tmp_path / "lex"), toy_config(tmp_path / "cache")
    first, _ = load_or_build(config, sources)
    path = cache_path(config, sources)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    again, status = load_or_build(config, sources)
    assert status == "rebuilt"
    assert hits(again) == hits(first)
    assert load_or_build(config, sources)[1] == "loaded"  # the rebuilt file is good


def test_changed_source_gets_its_own_build(tmp_path: Path) -> None:
    sources, config = toy_sources(tmp_path / "lex"), toy_config(tmp_path / "cache")
    before, _ = load_or_build(config, sources)
    old_path = cache_path(config, sources)
    assert "积级" not in [w for _, w, _, _ in hits(before, "活动得到群众积级参与")]
    toy_sources(tmp_path / "lex", {**WORDS, "积极": 5000, "参与": 4000, "群众": 6000})
    assert cache_path(config, sources) != old_path
    after, status = load_or_build(config, sources)
    assert status == "built"
    assert after.model.words["参与"] == 4000
    # The old file stays as it was; the new one is used from now on.
    assert old_path.is_file()
    assert load_or_build(config, sources)[1] == "loaded"


def test_unwritable_folder_still_checks(tmp_path: Path) -> None:
    sources = toy_sources(tmp_path / "lex")
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    config = toy_config(blocker / "cache")
    detector, status = load_or_build(config, sources)
    assert status == "built" and hits(detector)


def test_two_builders_at_once_publish_one_whole_file(tmp_path: Path) -> None:
    sources, config = toy_sources(tmp_path / "lex"), toy_config(tmp_path / "cache")
    results: list[str] = []

    def build() -> None:
        results.append(load_or_build(config, sources)[1])

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert sorted(os.listdir(config.cache_dir)) == [cache_path(config, sources).name]
    assert load_or_build(config, sources)[1] == "loaded"


def test_pattern_index_matches_like_an_automaton() -> None:
    import ahocorasick_rs

    patterns = ["ab", "abc", "bc", "bcd", "abcd", "cd", "da", "甲乙", "乙丙丁", "乙丙"]
    index, ordered = PatternIndex.build(patterns)
    text = "abcdabcd甲乙丙丁x乙丙"
    automaton = ahocorasick_rs.AhoCorasick(patterns)
    expected = [
        (patterns[i], s, e) for i, s, e in automaton.find_matches_as_indexes(text, overlapping=True)
    ]
    by_search = [(ordered[i], s, e) for i, s, e in index.find(text)]
    assert by_search == expected
    # The bulk path (the automaton, built from the stored records) finds the same.
    bulk = PatternIndex(index.shards, index.blob)
    assert [(ordered[i], s, e) for i, s, e in bulk.find(text, automaton_after=0)] == expected
    assert bulk.patterns() == ordered
    assert index.index_of("zz") == -1 and index.index_of("ax") == -1
    with pytest.raises(ValueError):
        PatternIndex.build(["a"])


@pytest.fixture(scope="module")
def shipped_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The real lexicons built cold into a fresh cache folder (once for this module)."""
    folder = tmp_path_factory.mktemp("typo-cache")
    _detector, status = load_or_build(TypoConfig(cache_dir=folder))
    return folder, [status]


SENTENCES = [
    "加强安全生产监管，杜绝重大事故发升。",
    "这次活动得到了广大群众的积级参与。",
    "各部门要把思想和行动统一到市委的决策部署上来。",
]


def test_the_shipped_model_through_the_cache(shipped_cache: tuple[Path, list[str]]) -> None:
    """Loaded from the cache, the real model finds what the detector the rest of the suite
    uses (built in memory, no cache) finds."""
    from govwatch.engine.text.checker import _shared_detector

    folder, statuses = shipped_cache
    assert statuses == ["built"]
    loaded, status = load_or_build(TypoConfig(cache_dir=folder))
    assert status == "loaded"
    memory = _shared_detector(TypoConfig())
    for sentence in SENTENCES:
        assert hits(loaded, sentence) == hits(memory, sentence)
    assert [h.suggestion for h in loaded.detect(SENTENCES[0])] == ["发生"]


def test_check_text_command_reads_the_cache(
    shipped_cache: tuple[Path, list[str]],
    tmp_path: Path,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from govwatch.cli import main

    folder, _ = shipped_cache
    settings.GOVWATCH_TEXT_CACHE_DIR = folder
    files = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    page = tmp_path / "page.txt"
    page.write_text(SENTENCES[1], encoding="utf-8")
    assert main(["check-text", str(page), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["suggestion"]) for f in found] == [("TXT004", "积极")]
    # The command loaded the file: nothing rebuilt, rewritten or added.
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == files
