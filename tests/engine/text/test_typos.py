from __future__ import annotations

import pytest

from govwatch.engine.text.checker import TextChecker
from govwatch.engine.text.typos import TypoConfig, TypoDetector, TypoModel


def small_model() -> TypoModel:
    words = {"部署": 5000, "工作": 9000, "会议": 8000, "召开": 3000, "工": 10, "作": 10}
    words.update({"布": 50, "署": 50, "格尔": 1, "的": 90000})
    return TypoModel.from_words(words)


def test_detects_confusable_in_unknown_context() -> None:
    detector = TypoDetector(small_model(), config=TypoConfig(min_word_freq=100, margin=0.5))
    hits = detector.detect("召开工作布署会议")
    assert [(h.start, h.wrong, h.suggestion) for h in hits] == [(4, "布署", "部署")]
    assert hits[0].gain >= 0.5


def test_known_words_and_parallel_wording_are_not_typos() -> None:
    detector = TypoDetector(small_model(), config=TypoConfig(min_word_freq=100, margin=0.5))
    assert detector.detect("召开工作部署会议") == []


def test_learning_from_site_text_silences_local_terms() -> None:
    model = small_model()
    config = TypoConfig(min_word_freq=100, margin=0.5, site_word_min_count=3)
    before = TypoDetector(model, config=config).detect("召开工作布署会议")
    assert before
    model.learn("布署村 布署村 布署村 是本地村名")
    after = TypoDetector(model, config=config).detect("召开工作布署会议")
    assert after == []


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
    ],
)
def test_shipped_model_quiet_on_gov_prose(checker: TextChecker, sentence: str) -> None:
    assert [f for f in checker.check(sentence) if f.code == "TXT004"] == []


def test_checker_accepts_a_site_detector() -> None:
    from govwatch.engine.text.checker import TextCheckConfig

    model = small_model()
    detector = TypoDetector(model, config=TypoConfig(min_word_freq=100, margin=0.5))
    site_checker = TextChecker(TextCheckConfig(sample_sensitive=False), typo_detector=detector)
    assert [f.suggestion for f in site_checker.check("召开工作布署会议")] == ["部署"]
