from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.sensitive import (
    LexiconError,
    load_lexicon,
    parse_lexicon_text,
    sample_lexicon,
)


def test_text_lexicon_formats() -> None:
    words = parse_lexicon_text("# 注释\n词一\n词二,类别甲,serious\n词三\t类别乙\t警告\n", "t")
    assert [(w.word, w.category, w.severity) for w in words] == [
        ("词一", "未分类", "warning"),
        ("词二", "类别甲", "serious"),
        ("词三", "类别乙", "warning"),
    ]


def test_bad_severity_is_an_error() -> None:
    with pytest.raises(LexiconError):
        parse_lexicon_text("某词,类,很严重\n", "t")


def test_xlsx_lexicon(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["敏感词", "类别", "严重程度"])
    sheet.append(["测试违规词", "自定义", "严重"])
    path = tmp_path / "words.xlsx"
    book.save(path)
    words = load_lexicon(path)
    assert [(w.word, w.category, w.severity) for w in words] == [
        ("测试违规词", "自定义", "serious")
    ]


def test_gbk_text_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("违规词甲,广告,warning\n".encode("gbk"))
    assert load_lexicon(path)[0].word == "违规词甲"


def test_sample_lexicon_and_user_override(tmp_path: Path) -> None:
    assert any(w.word == "网络赌博" for w in sample_lexicon())
    path = tmp_path / "mine.txt"
    path.write_text("网络赌博,改过的类别,info\n自定义词,本地,serious\n", encoding="utf-8")
    checker = TextChecker(TextCheckConfig(typo=None, sensitive_files=(path,)))
    found = checker.check("页面被植入网络赌博链接和自定义词。")
    assert [(f.text, f.rule_id, f.severity) for f in found] == [
        ("网络赌博", "sensitive:改过的类别", "info"),
        ("自定义词", "sensitive:本地", "serious"),
    ]
    bare = TextChecker(TextCheckConfig(typo=None, sample_sensitive=False))
    assert bare.check("网络赌博") == []
