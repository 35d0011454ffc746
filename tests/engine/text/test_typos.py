from __future__ import annotations

import pytest

from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.confusion import (
    default_confusion,
    fuzzy_homophones,
    fuzzy_reading,
    main_pinyin,
    pinyin_homophones,
)
from govwatch.engine.text.typos import (
    TypoConfig,
    TypoDetector,
    TypoModel,
    _enumeration,
    _explained,
    _list_item,
    load_corpus_bigrams,
    load_proper_names,
)

# The linear score was fitted on the shipped data; a toy model needs a lower threshold.
TOY = TypoConfig(min_word_freq=100, threshold=-5.0)


def small_model() -> TypoModel:
    words = {"部署": 5000, "工作": 9000, "会议": 8000, "召开": 3000, "工": 10, "作": 10}
    words.update({"布": 50, "署": 50, "格尔": 1, "的": 90000})
    return TypoModel.from_words(words)


def test_detects_confusable_in_unknown_context() -> None:
    detector = TypoDetector(small_model(), config=TOY)
    hits = detector.detect("召开工作布署会议")
    assert [(h.start, h.wrong, h.suggestion) for h in hits] == [(4, "布署", "部署")]
    assert hits[0].gain >= TOY.threshold


def test_threshold_decides() -> None:
    assert TypoDetector(small_model(), config=TOY).detect("召开工作布署会议")
    strict = TypoConfig(min_word_freq=100, threshold=5.0)
    assert TypoDetector(small_model(), config=strict).detect("召开工作布署会议") == []


def test_known_words_and_parallel_wording_are_not_typos() -> None:
    detector = TypoDetector(small_model(), config=TOY)
    assert detector.detect("召开工作部署会议") == []


def test_repeated_candidate_is_a_term_of_the_text() -> None:
    detector = TypoDetector(small_model(), config=TOY)
    assert detector.detect("布署会议，布署会议，布署会议") == []


def test_proper_names_are_not_misspelt_words() -> None:
    words = {"部署": 5000, "会议": 8000, "布": 50, "署": 50}
    plain = TypoModel.from_words(words)
    named = TypoModel.from_words(words, names=frozenset({"布署"}))
    assert TypoDetector(plain, config=TOY).detect("布署会议")
    assert TypoDetector(named, config=TOY).detect("布署会议") == []


@pytest.mark.parametrize(
    ("sentence", "suggestion"),
    [
        ("加强安全生产监管，杜绝重大事故发升。", "发生"),
        ("这次活动得到了广大群众的积级参与。", "积极"),
    ],
)
def test_shipped_model_finds_typos(checker: TextChecker, sentence: str, suggestion: str) -> None:
    found = [f for f in checker.check(sentence) if f.code == "TXT004"]
    assert [f.suggestion for f in found] == [suggestion]
    assert found[0].severity == "warning"


@pytest.mark.parametrize(
    "sentence",
    [
        "各部门要把思想和行动统一到市委的决策部署上来。",
        "全市共受理群众来信来访一百二十件，办结率百分之百。",
        "做到件件有落实、事事有回音，应改尽改、真改实改。",
        "落实不到位。二是一些政府网站更新不及时，三要抓好督查。",
        "参会单位：县公安、魅力南彰、开封卫生健康委。",
        "市教体局、市发改委负责。",
        "渭南市临渭区人民政府召开会议。",
        "自发布之日起施行，17时前报送。",
    ],
)
def test_shipped_model_quiet_on_gov_prose(checker: TextChecker, sentence: str) -> None:
    assert [f for f in checker.check(sentence) if f.code == "TXT004"] == []


def test_rules_each_explain_a_reading() -> None:
    assert _enumeration("。二是落实", 1)
    assert not _enumeration("第二是", 1)  # not at the head of a clause
    assert _explained("。二是落实", 1, 3, 2)  # 是 → 十 after the enumeration numeral
    assert _explained("17时前报送", 2, 4, 2)  # number + unit
    assert _explained("市教体局", 1, 3, 1)  # abbreviated institution name
    assert _list_item("县公安、魅力南彰、开封", 6)
    assert not _list_item("我们在魅力南彰发布了很长的一段通知", 6)
    assert not _list_item("到山上，我门烤肉、吃水果", 6)  # a clause (我), not a name
    assert not _explained("魅力南彰发布了通知", 2, 4, 3)


def test_checker_accepts_a_site_detector() -> None:
    model = small_model()
    detector = TypoDetector(model, config=TOY)
    site_checker = TextChecker(TextCheckConfig(sample_sensitive=False), typo_detector=detector)
    assert [f.suggestion for f in site_checker.check("召开工作布署会议")] == ["部署"]


def test_pinyin_homophones_use_main_readings() -> None:
    homophones = pinyin_homophones()
    assert "异" in homophones["一"]  # yi, missing from pycorrector's list
    assert "煅" in homophones["锻"]
    assert main_pinyin()["地"] == "di"
    assert "地" not in homophones["得"]  # only through the secondary reading de
    assert "地" in pinyin_homophones(all_readings=True)["得"]
    assert "异" in default_confusion().candidates("一", toneless=True)
    assert "异" not in default_confusion().candidates("一", toneless=False)


@pytest.mark.parametrize(
    ("sound", "folded"),
    [
        ("xing", "xin"),  # -ing/-in
        ("xin", "xin"),
        ("sheng", "sen"),  # sh/s and -eng/-en together
        ("zhang", "zan"),
        ("chi", "ci"),
        ("nan", "nan"),  # n/l is not folded
        ("huang", "huan"),
        ("hu", "hu"),  # h/f is not folded
    ],
)
def test_fuzzy_reading(sound: str, folded: str) -> None:
    assert fuzzy_reading(sound) == folded


def test_fuzzy_homophones_join_fuzzy_pinyin_classes() -> None:
    fuzzy = fuzzy_homophones()
    assert "兴" in fuzzy["心"] and "心" in fuzzy["兴"]  # xin / xing
    assert "四" in fuzzy["是"]  # si / shi
    assert "兰" not in fuzzy["南"]  # lan / nan: not folded
    conf = default_confusion()
    assert "兴" in conf.candidates("心", toneless=True, fuzzy=True)
    assert "兴" not in conf.candidates("心", toneless=True, fuzzy=False)


def test_fuzzy_pinyin_candidates_only_when_enabled() -> None:
    words = {"开心": 5000, "大家": 9000, "今天": 9000, "开": 500, "兴": 300, "心": 800}
    model = TypoModel.from_words(words)
    sentence = "今天大家都很开兴"
    fuzzy = TypoDetector(model, config=TypoConfig(min_word_freq=100, threshold=-20.0))
    assert ("开兴", "开心") in [(h.wrong, h.suggestion) for h in fuzzy.detect(sentence)]
    plain = TypoDetector(model, config=TypoConfig(min_word_freq=100, threshold=-20.0, fuzzy=False))
    assert ("开兴", "开心") not in [(h.wrong, h.suggestion) for h in plain.detect(sentence)]


def test_shipped_data_files() -> None:
    bigrams = load_corpus_bigrams()
    assert bigrams["中国"] > 1000
    assert len(bigrams) > 200_000
    names = load_proper_names()
    assert "临渭" in names
    assert all(2 <= len(n) <= 4 for n in names)
