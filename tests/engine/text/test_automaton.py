from __future__ import annotations

from govwatch.engine.text.automaton import Automaton


def test_leftmost_longest_prefers_the_long_form() -> None:
    ac = Automaton([("新疆自治区", "wrong"), ("新疆维吾尔自治区", "ok"), ("自治区", "x")])
    found = [(m.pattern, m.start) for m in ac.find("在新疆维吾尔自治区和新疆自治区")]
    assert found == [("新疆维吾尔自治区", 1), ("新疆自治区", 10)]


def test_one_pattern_several_payloads() -> None:
    ac = Automaton([("拖底", "rule"), ("拖底", "near-miss")])
    assert [m.payloads for m in ac.find("拖底")] == [("rule", "near-miss")]
    assert len(ac) == 1


def test_outermost_drops_only_contained_matches() -> None:
    ac = Automaton(
        [("河北省", "protect"), ("省省委书记", "rule"), ("省委书记", "inner"), ("北省", "in")],
        overlapping=True,
    )
    outer, inner = ac.find_outermost("中共河北省省委书记")
    # 河北省 overlaps the rule but does not contain it: the rule survives.
    assert [m.pattern for m in outer] == ["河北省", "省省委书记"]
    assert sorted(m.pattern for m in inner) == ["北省", "省委书记"]


def test_empty_automaton() -> None:
    ac: Automaton[str] = Automaton([])
    assert list(ac.find("任何文本")) == []
    assert ac.find_outermost("任何文本") == ([], [])
