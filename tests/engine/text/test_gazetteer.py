"""Near misses of canonical terms and leaders' titles."""

from __future__ import annotations

import pytest

from govwatch.engine.text.checker import TextChecker
from govwatch.engine.text.confusion import default_confusion
from govwatch.engine.text.gazetteer import (
    CanonicalTerm,
    load_gazetteer,
    near_miss_entries,
    one_char_variants,
    parse_leaders,
)


@pytest.mark.parametrize(
    ("sentence", "hit", "suggestion", "code"),
    [
        ("习近平总书计发表重要讲话。", "习近平总书计", "习近平总书记", "TXT002"),
        ("习进平总书记发表重要讲话。", "习进平总书记", "习近平总书记", "TXT002"),
        ("习平近总书记发表重要讲话。", "习平近总书记", "习近平总书记", "TXT002"),  # swap
        ("李强总书记出席会议。", "李强总书记", "李强总理、李强国务院总理", "TXT003"),
        (
            "赵乐际总理出席会议。",
            "赵乐际总理",
            "赵乐际委员长、赵乐际全国人大常委会委员长",
            "TXT003",
        ),
        ("考察新疆维吾尔自冶区。", "新疆维吾尔自冶区", "新疆维吾尔自治区", "TXT002"),
        ("来自宁夏回族自治去的代表。", "宁夏回族自治去", "宁夏回族自治区", "TXT002"),
        ("弘扬中华优秀传统文华。", "中华优秀传统文华", "中华优秀传统文化", "TXT002"),
        ("大家要再接再励。", "再接再励", "再接再厉", "TXT001"),
        ("工作要按步就班。", "按步就班", "按部就班", "TXT001"),
        ("任务迫再眉睫。", "迫再眉睫", "迫在眉睫", "TXT002"),
        ("国家发展和改革委员会发文，生态环镜部参与。", "生态环镜部", "生态环境部", "TXT002"),
    ],
)
def test_near_miss_and_titles(
    checker: TextChecker, sentence: str, hit: str, suggestion: str, code: str
) -> None:
    found = checker.check(sentence)
    assert [(f.code, f.text, f.suggestion) for f in found] == [(code, hit, suggestion)]


@pytest.mark.parametrize(
    "sentence",
    [
        "习近平总书记、李强总理、赵乐际委员长、王沪宁主席出席。",
        "韩正副主席会见外宾，丁薛祥副总理陪同。",
        "习近平同志为核心的党中央。",
        "新疆维吾尔自治区、广西壮族自治区和海西蒙古族藏族自治州。",
        "坚持以人民为中心的发展思想，推动高质量发展。",
    ],
)
def test_canonical_forms_are_clean(checker: TextChecker, sentence: str) -> None:
    assert checker.check(sentence) == []


def test_variants_exclude_known_words() -> None:
    terms = [CanonicalTerm("再接再厉", "idiom", "t"), CanonicalTerm("三个字", "idiom", "t")]
    entries = dict(near_miss_entries(terms, default_confusion(), {"再接再励"}.__contains__))
    assert "再接再励" not in entries  # known word: never a near miss
    assert "再接在厉" in entries
    assert not any(nm.canonical == "三个字" for nm in entries.values())  # shorter than 4


def test_swap_variants() -> None:
    kinds = dict(one_char_variants("习近平同志", default_confusion()))
    assert kinds["习平近同志"] == "swap"


def test_leaders_file_is_updatable() -> None:
    leaders = parse_leaders("name,titles,reviewed\n某某某,省长|同志,2025-01-01\n", "x")
    assert leaders[0].titles == ("省长", "同志")
    shipped = load_gazetteer()
    assert any(leader.name == "习近平" for leader in shipped.leaders)
    assert all(leader.reviewed for leader in shipped.leaders)


def test_near_miss_without_typo_layer() -> None:
    from govwatch.engine.text.checker import TextCheckConfig

    plain = TextChecker(TextCheckConfig(typo=None))
    found = plain.check("各项工作要一如即往。")
    assert [(f.code, f.suggestion) for f in found] == [("TXT002", "一如既往")]
