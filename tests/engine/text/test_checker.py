"""Whitelists, dismissed findings, fingerprints and the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.findings import context_snippet, fingerprint

SENTENCE = "推介会在新疆自治区乌鲁木齐举行，要做好拖底工作。"


def test_finding_fields(checker: TextChecker) -> None:
    first = checker.check(SENTENCE)[0]
    assert first.code == "TXT001"
    assert first.category == "place_name"
    assert first.severity == "serious"
    assert (first.offset, first.length) == (SENTENCE.index("新疆自治区"), 5)
    assert first.text == "新疆自治区"
    assert first.suggestion == "新疆维吾尔自治区"
    assert "新疆自治区" in first.context
    assert first.rule_id == "EXP001"
    assert first.source
    assert len(first.fingerprint) == 16
    assert first.to_dict()["fingerprint"] == first.fingerprint


def test_fingerprint_is_stable_when_the_page_moves(checker: TextChecker) -> None:
    base = "会议强调，要认真贯彻落实各项工作要求，切实抓好落实。" + SENTENCE
    a = checker.check(base)
    b = checker.check("页面顶部新增的一段通知文字。\n" * 3 + base)
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]
    assert [f.offset for f in a] != [f.offset for f in b]


def test_fingerprint_changes_with_context() -> None:
    assert fingerprint("TXT001", "EXP001", "x", "上下文一") != fingerprint(
        "TXT001", "EXP001", "x", "上下文二"
    )


def test_dismissed_finding_not_reported_again(checker: TextChecker) -> None:
    found = checker.check(SENTENCE)
    dismissed = frozenset({found[0].fingerprint})
    again = checker.check(SENTENCE, dismissed=dismissed)
    assert [f.text for f in again] == ["拖底"]


def test_global_and_site_whitelists() -> None:
    config = TextCheckConfig(
        typo=None, whitelist=("拖底工作",), site_whitelists=(("site-a", ("新疆自治区乌鲁木齐",)),)
    )
    checker = TextChecker(config)
    assert [f.text for f in checker.check(SENTENCE)] == ["新疆自治区"]
    assert checker.check(SENTENCE, site="site-a") == []
    assert [f.text for f in checker.check(SENTENCE, site="site-b")] == ["新疆自治区"]


def test_whitelist_only_covers_its_own_occurrence() -> None:
    checker = TextChecker(TextCheckConfig(typo=None, whitelist=("拖底工作",)))
    text = "拖底工作已完成，但拖底保障仍不足。"
    assert [f.offset for f in checker.check(text)] == [text.index("拖底保障")]


def test_min_severity_filters() -> None:
    checker = TextChecker(TextCheckConfig(typo=None, min_severity="serious"))
    assert [f.text for f in checker.check("召开工作布署会议，新疆自治区。")] == ["新疆自治区"]


def test_context_snippet_flattens_lines() -> None:
    assert context_snippet("甲\n乙丙丁\n戊", 2, 3, width=2) == "甲 乙丙丁"


SEED_EXPECTED: dict[str, set[str]] = {
    # Seed 000 quotes the four wrong forms on purpose (三(二)); nothing else may be reported.
    "000": {"拖底", "中华民族优秀传统文化", "新疆自治区", "中央‘八项规定’"}
}


def test_seed_documents(checker: TextChecker, shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for path in seeds:
        found = checker.check(path.read_text(encoding="utf-8"))
        expected = SEED_EXPECTED.get(path.name[:3], set())
        assert {f.text for f in found} == expected, (path.name, found)
        assert all(f.code == "TXT001" for f in found)


@pytest.mark.parametrize("text", ["", "   \n", "abc 123", "。，、"])
def test_trivial_texts(checker: TextChecker, text: str) -> None:
    assert checker.check(text) == []
