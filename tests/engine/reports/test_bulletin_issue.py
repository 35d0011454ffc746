"""The per-issue parts of the bulletin: deadline in working days, 文号, no placeholder, the
annex order, the unjudged annex, the seeds' wording and the docx's Chinese settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from govwatch.engine.reports.bulletin import BulletinData, Citations, compose, load_template
from govwatch.engine.reports.bulletin_issue import (
    BulletinSettingsError,
    Issue,
    doc_number_format,
    issued,
    rectification_deadline,
)
from govwatch.engine.reports.bulletin_wording import (
    SiteProblem,
    WordingExample,
    sites_sentence,
    wording_phrase,
)
from govwatch.engine.reports.docx_writer import Para, write_docx
from govwatch.engine.reports.pdf import SERIF_CJK, SERIF_MISSING_ZH, font_warnings, fontconfig_text
from govwatch.engine.workdays import default_calendar

from .issued import office_template
from .sample_bulletin import sample_document


def body_text(data: BulletinData) -> str:
    document = compose(data, office_template())
    return "\n".join(p.text for p in document.body if isinstance(p, Para))


def test_deadline_counts_working_days_across_the_national_day_holiday() -> None:
    # Friday 27 September 2024: the holiday runs 1–7 October, 29 September and 12 October
    # are worked. The 10th working day after is 16 October, not 11 October (Mon–Fri).
    deadline = rectification_deadline(dt.date(2024, 9, 27), 10, default_calendar())
    assert deadline.day == dt.date(2024, 10, 16) and deadline.note_zh == ""
    naive = dt.date(2024, 9, 27) + dt.timedelta(days=14)
    assert naive == dt.date(2024, 10, 11) != deadline.day


def test_deadline_past_the_arranged_years_is_provisional_and_says_so() -> None:
    calendar = dataclasses.replace(default_calendar(), provisional=True)
    last = max(calendar.covered_years)
    deadline = rectification_deadline(dt.date(last, 12, 28), 10, calendar)
    assert deadline.day.year == last + 1
    assert f"{last + 1}年节假日安排尚未录入" in deadline.note_zh
    with pytest.raises(BulletinSettingsError, match="rectification_working_days"):
        rectification_deadline(dt.date(2024, 9, 27), 0, default_calendar())


def test_document_number_from_the_pattern() -> None:
    pattern = "{abbr}〔{year}〕{n}号"
    assert doc_number_format(pattern, abbr="示政办函", year=2024, seq=3) == "示政办函〔2024〕3号"
    with pytest.raises(BulletinSettingsError, match="--doc-seq"):
        doc_number_format(pattern, abbr="示政办函", year=2024, seq=None)
    with pytest.raises(BulletinSettingsError, match="GOVWATCH_BULLETIN_DOC_ABBR"):
        doc_number_format(pattern, abbr="", year=2024, seq=1)
    with pytest.raises(BulletinSettingsError, match="未知字段"):
        doc_number_format("{office}〔{year}〕", abbr="甲", year=2024, seq=1)


def test_shipped_template_has_no_date_and_no_placeholder() -> None:
    text = (
        Path(load_template.__code__.co_filename).parent / "templates" / "bulletin.yaml"
    ).read_text(encoding="utf-8")
    settings_lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert not re.search(r"20\d\d年", "\n".join(settings_lines))  # no fixed date
    assert "×" not in text
    template = load_template()
    assert template.rectification_working_days == 10 and template.rectification_deadline is None


def test_a_blank_form_placeholder_stops_the_bulletin() -> None:
    issue = Issue(issuer="示范省人民政府办公厅", issue_date=dt.date(2024, 7, 1), deadline=None)
    with pytest.raises(BulletinSettingsError, match="未设置发文机关"):
        issued(load_template(), dataclasses.replace(issue, issuer=""))
    with pytest.raises(BulletinSettingsError, match="联系人"):
        issued(load_template(), dataclasses.replace(issue, contacts=("联系人：×××",)))
    with pytest.raises(BulletinSettingsError, match="文号"):
        issued(load_template(), dataclasses.replace(issue, doc_number="×政办〔2024〕×号"))
    with pytest.raises(BulletinSettingsError, match="早于发文日期"):
        issued(load_template(), dataclasses.replace(issue, deadline=dt.date(2024, 6, 30)))
    final = issued(load_template(), issue)
    assert final.letterhead == final.signature == "示范省人民政府办公厅"
    assert final.title.startswith("示范省人民政府办公厅关于{period}")


def test_generated_docx_has_no_placeholder_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "b.docx"
    write_docx(sample_document(), path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert "×" not in xml and "Ｘ" not in xml, name
        document = archive.read("word/document.xml").decode("utf-8")
    for wanted in ("开封市人民政府办公室", "汴政办〔2024〕8号", "2024年2月29日", "2024年3月8日前"):
        assert wanted in document


def test_annexes_are_numbered_in_citation_order() -> None:
    document = sample_document()
    text = "\n".join(p.text for p in document.body if isinstance(p, Para))
    cited = [int(n) for n in re.findall(r"附件(\d+)", text)]
    first = list(dict.fromkeys(cited))
    assert first == list(range(1, len(first) + 1))  # 1, 2, 3 … as the reader meets them
    assert len(first) == len(document.annexes) - 1  # only the uncited extra comes after
    # Reversed citation order reverses the numbers.
    cite = Citations(["a", "b", "c"])
    cite.see("c")
    cite.see("a", "c")
    assert cite.numbers(["a", "b", "c"]) == {"c": 1, "a": 2, "b": 3}


def test_targets_that_could_not_be_judged_get_their_own_cited_annex() -> None:
    unjudged = [
        {"kind_zh": "政府网站", "name": "甲县人民政府", "unit": "甲县人民政府",
         "reason": "本检查期内没有该网站的扫描数据"},
        {"kind_zh": "政府网站", "name": "乙县人民政府", "unit": "乙县人民政府",
         "reason": "本检查期内没有该网站的扫描数据"},
        {"kind_zh": "政务新媒体", "name": "示范卫健（新浪微博）", "unit": "示范省卫健委",
         "reason": "发布记录获取失败，更新情况未知"},
    ]  # fmt: skip
    data = BulletinData("2024年第三季度", sites_checked=4, accounts_checked=3, unjudged=unjudged)
    document = compose(data, office_template())
    text = "\n".join(p.text for p in document.body if isinstance(p, Para))
    assert (
        "另有2个政府网站、1个政务新媒体因缺少监测数据或数据获取失败，本期无法判定，"
        "未计入检查数和合格率（详见附件1）。"
    ) in text
    [annex] = document.annexes
    assert annex.title == "2024年第三季度无法判定的检查对象"
    assert [row.cells[1:] for row in annex.data_rows()][2] == (
        "政务新媒体",
        "示范卫健（新浪微博）",
        "示范省卫健委",
        "发布记录获取失败，更新情况未知",
    )
    assert "附件：2024年第三季度无法判定的检查对象" not in text  # the list is the writer's


def test_site_problems_are_worded_like_the_seeds() -> None:
    problems = [
        SiteProblem("陕西省人民政府国有资产监督管理委员会", "内容长期未更新", "重大项目和意见征集"),
        SiteProblem("示范市人民政府", "栏目更新不及时", "人事信息"),
        SiteProblem("示范市人民政府", "栏目更新不及时", "公示公告"),
        SiteProblem("示范市人民政府", "首页不可用链接", "首页"),
        SiteProblem("示范市人民政府", "首页不可用链接", "首页"),
        SiteProblem("示范县人民政府", "站点无法访问"),
        SiteProblem("示范开发区管理委员会", "网站标识缺失"),
    ]
    assert sites_sentence(problems) == (
        "“陕西省人民政府国有资产监督管理委员会”网“重大项目和意见征集”栏目内容长期未更新；"
        "“示范市人民政府”网“人事信息”“公示公告”栏目更新不及时，首页存在不可用链接；"
        "“示范县人民政府”网无法访问；“示范开发区管理委员会”网站标识缺失"
    )
    text = body_text(
        BulletinData("2024年第二季度", 3, 0, site_problems=problems[:1],
                     problem_sites=[{"site_name": "陕西省人民政府国有资产监督管理委员会"}])
    )  # fmt: skip
    assert "“重大项目和意见征集”栏目内容长期未更新（详见附件1）" in text


def test_wrong_expressions_name_the_article_and_the_column() -> None:
    on_site = WordingExample(
        unit="示范区人民政府", where="", wrong="新疆自治区", correct="新疆维吾尔自治区",
        article="会议公告落实高质量发展", column="政务动态", site="示范区人民政府",
    )  # fmt: skip
    assert wording_phrase(on_site) == (
        "“示范区人民政府”网“政务动态”栏目发布的《会议公告落实高质量发展》一文"
        "将“新疆维吾尔自治区”错写为“新疆自治区”"
    )
    in_post = WordingExample(
        unit="示范省人民政府", where="", wrong="新疆自治区", correct="新疆维吾尔自治区",
        article="新疆自治区教育代表团来示范省交流", account="示范教育", platform="微信公众号",
    )  # fmt: skip
    assert wording_phrase(in_post).startswith(
        "示范省人民政府“示范教育”微信公众号发布的《新疆自治区教育代表团来示范省交流》一文将"
    )


def test_docx_sets_chinese_language_and_east_asian_fonts(tmp_path: Path) -> None:
    path = tmp_path / "b.docx"
    write_docx(sample_document(), path)
    with zipfile.ZipFile(path) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
    runs = re.findall(r"<w:r>.*?</w:r>", document)
    text_runs = [r for r in runs if "<w:t" in r]
    assert text_runs
    for run in text_runs:
        assert 'w:eastAsia="zh-CN"' in run, run[:200]
        assert re.search(r'<w:rFonts [^>]*w:eastAsia="[^"]+"', run), run[:200]
    assert 'w:eastAsia="仿宋_GB2312"' in document and 'w:eastAsia="方正小标宋简体"' in document
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles, re.S)
    assert defaults is not None and 'w:eastAsia="zh-CN"' in defaults.group(0)
    assert 'w:eastAsia="en-US"' not in styles
    assert '<w:overflowPunct w:val="1"/>' in document


def test_pdf_fonts_map_to_the_chinese_serif_and_say_when_it_is_missing() -> None:
    conf = fontconfig_text("/etc/fonts/fonts.conf")
    assert "<family>仿宋_GB2312</family><accept><family>Noto Serif CJK SC</family>" in conf
    assert "<family>方正小标宋简体</family><accept><family>Noto Serif CJK SC</family>" in conf
    assert "<family>黑体</family><accept><family>Noto Sans CJK SC</family>" in conf
    assert font_warnings(frozenset({"Noto Sans CJK JP"})) == (SERIF_MISSING_ZH,)
    assert font_warnings(frozenset({SERIF_CJK})) == ()
    assert "fonts-noto-cjk" in SERIF_MISSING_ZH
