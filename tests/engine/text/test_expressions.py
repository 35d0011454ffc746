"""Every public rule and every seed example is found, with the right suggestion."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govwatch.engine.text.checker import TextChecker
from govwatch.engine.text.expressions import (
    ExpressionRule,
    RuleError,
    default_rules,
    guard_allows,
    parse_rules_csv,
    parse_rules_yaml,
    quote_variants,
)

# CSV wrong_pattern -> (sentence with the wrong form, hit, suggestion, same sentence corrected)
PUBLIC_CASES: dict[str, tuple[str, str, str, str]] = {
    "新疆自治区": (
        "推介会在新疆自治区乌鲁木齐举行。",
        "新疆自治区",
        "新疆维吾尔自治区",
        "推介会在新疆维吾尔自治区乌鲁木齐举行。",
    ),
    "新疆维吾尔族自治区": (
        "新疆维吾尔族自治区成立于1955年。",
        "新疆维吾尔族自治区",
        "新疆维吾尔自治区",
        "新疆维吾尔自治区成立于1955年。",
    ),
    "广西自治区": (
        "广西自治区代表团来访。",
        "广西自治区",
        "广西壮族自治区",
        "广西壮族自治区代表团来访。",
    ),
    "宁夏自治区": (
        "宁夏自治区代表团来访。",
        "宁夏自治区",
        "宁夏回族自治区",
        "宁夏回族自治区代表团来访。",
    ),
    "内蒙自治区": (
        "内蒙自治区代表团来访。",
        "内蒙自治区",
        "内蒙古自治区",
        "内蒙古自治区代表团来访。",
    ),
    "香港特区政府": (
        "香港特区政府举行记者会。",
        "香港特区政府",
        "香港特别行政区政府",
        "香港特别行政区政府举行记者会。",
    ),
    "台湾政府": (
        "台湾政府宣布了新的措施。",
        "台湾政府",
        "台湾当局 / 台湾方面",
        "台湾当局宣布了新的措施。",
    ),
    "中华民国总统": (
        "他自称中华民国总统。",
        "中华民国总统",
        "台湾地区领导人",
        "他自称台湾地区领导人。",
    ),
    "中华民国": (
        "中华民国的旗帜不得出现。",
        "中华民国",
        "台湾地区 / 1949年后台湾当局",
        "台湾地区的旗帜不得出现。",
    ),
    "两岸三地": (
        "两岸三地的青年交流活动。",
        "两岸三地",
        "海峡两岸和香港",
        "海峡两岸和香港的青年交流活动。",
    ),
    "中台": ("中台关系持续紧张。", "中台", "大陆与台湾", "大陆与台湾关系持续紧张。"),
    "中港": (
        "中港两地合作深化，香港各界积极参与。",
        "中港",
        "内地与香港",
        "内地与香港两地合作深化，香港各界积极参与。",
    ),
    "中澳": (
        "中澳两地往来频繁，澳门经济向好。",
        "中澳",
        "内地与澳门",
        "内地与澳门两地往来频繁，澳门经济向好。",
    ),
    "内港": (
        "内港青年交流，香港学生踊跃报名。",
        "内港",
        "内地与香港",
        "内地与香港青年交流，香港学生踊跃报名。",
    ),
    "内澳": ("内澳合作项目在澳门签约。", "内澳", "内地与澳门", "内地与澳门合作项目在澳门签约。"),
    "港澳台游客来华旅游": (
        "欢迎港澳台游客来华旅游。",
        "港澳台游客来华旅游",
        "港澳台游客来大陆（内地）旅游",
        "欢迎港澳台游客来大陆（内地）旅游。",
    ),
    "（香港|澳门|台湾）与其他国家并列时写作“各国”": (
        "美国、日本、台湾等国的游客前来。",
        "等国",
        "等国家和地区",
        "美国、日本、台湾等国家和地区的游客前来。",
    ),
    "台语": ("他是一名台语歌星。", "台语", "台湾闽南语", "他是一名台湾闽南语歌星。"),
    "台湾原住民": (
        "台湾原住民文化展览开幕。",
        "台湾原住民",
        "台湾少数民族",
        "台湾少数民族文化展览开幕。",
    ),
    "福尔摩沙": ("福尔摩沙是旧时西方的叫法。", "福尔摩沙", "台湾", "“福尔摩沙”是旧时西方的叫法。"),
    "海峡中线": ("所谓海峡中线并不存在。", "海峡中线", "“海峡中线”", "所谓“海峡中线”并不存在。"),
    "台湾“国语”": (
        "台湾“国语”与普通话同源。",
        "台湾“国语”",
        "台湾所谓“国语”",
        "台湾所谓“国语”与普通话同源。",
    ),
    "台独": ("坚决反对台独分裂活动。", "台独", "“台独”", "坚决反对“台独”分裂活动。"),
    "台湾经济文化代表处": (
        "台湾经济文化代表处举办活动。",
        "台湾经济文化代表处",
        "台北经济文化代表处",
        "台北经济文化代表处举办活动。",
    ),
    "中国台湾（作为WTO成员简称）": (
        "中国台湾以单独关税区身份加入WTO。",
        "中国台湾",
        "中国台北",
        "中国台北以单独关税区身份加入WTO。",
    ),
    "祖国大陆地区": (
        "台湾同胞到祖国大陆地区投资。",
        "祖国大陆地区",
        "祖国大陆",
        "台湾同胞到祖国大陆投资。",
    ),
    "大陆（国际场合自称）": (
        "在联合国国际会议上，大陆代表发言。",
        "大陆",
        "中国",
        "在联合国国际会议上，中国代表发言。",
    ),
    "中共XX省省委书记": (
        "中共河北省省委书记出席会议。",
        "省省委书记",
        "省委书记",
        "中共河北省委书记出席会议。",
    ),
    "XX市市委书记": ("格尔木市市委书记调研。", "市市委书记", "市委书记", "格尔木市委书记调研。"),
    "村长": ("村长带领村民致富。", "村长", "村委会主任", "村委会主任带领村民致富。"),
    "解放前（后）": (
        "解放前这里是一片荒滩。",
        "解放前",
        "新中国成立前",
        "新中国成立前这里是一片荒滩。",
    ),
    "前苏联": ("前苏联解体以后。", "前苏联", "苏联", "苏联解体以后。"),
    "“一带一路”战略": (
        "推进“一带一路”战略。",
        "“一带一路”战略",
        "“一带一路”倡议",
        "推进“一带一路”倡议。",
    ),
    "践行八荣八耻": (
        "党员要践行八荣八耻。",
        "践行八荣八耻",
        "践行社会主义荣辱观",
        "党员要践行社会主义荣辱观。",
    ),
    "中央“八项规定”": (
        "严格落实中央“八项规定”要求。",
        "中央“八项规定”",
        "中央八项规定",
        "严格落实中央八项规定要求。",
    ),
    "全国各省市": (
        "全国各省市都在行动。",
        "全国各省市",
        "全国各省、自治区、直辖市",
        "全国各省、自治区、直辖市都在行动。",
    ),
    "一带一路倡议（缺引号）": (
        "积极参与一带一路倡议。",
        "一带一路倡议",
        "“一带一路”倡议",
        "积极参与“一带一路”倡议。",
    ),
    "四个全面战略布局": (
        "协调推进四个全面战略布局。",
        "四个全面战略布局",
        "“四个全面”战略布局",
        "协调推进“四个全面”战略布局。",
    ),
    "两个一百年奋斗目标": (
        "实现两个一百年奋斗目标。",
        "两个一百年奋斗目标",
        "“两个一百年”奋斗目标",
        "实现“两个一百年”奋斗目标。",
    ),
    "两学一做学习教育": (
        "开展两学一做学习教育。",
        "两学一做学习教育",
        "“两学一做”学习教育",
        "开展“两学一做”学习教育。",
    ),
    "坚决做到两个维护": (
        "我们要坚决做到两个维护。",
        "坚决做到两个维护",
        "坚决做到“两个维护”",
        "我们要坚决做到“两个维护”。",
    ),
    "中国与台港澳并列": (
        "中国与港澳台的企业家出席。",
        "中国与港澳台",
        "中国内地（大陆）与港澳台",
        "中国内地（大陆）与港澳台的企业家出席。",
    ),
    "中华民族优秀传统文化": (
        "弘扬中华民族优秀传统文化。",
        "中华民族优秀传统文化",
        "中华优秀传统文化",
        "弘扬中华优秀传统文化。",
    ),
    "拖底": ("做好民生拖底保障。", "拖底", "托底", "做好民生托底保障。"),
    "国家权利机关": (
        "人民代表大会是国家权利机关。",
        "国家权利机关",
        "国家权力机关",
        "人民代表大会是国家权力机关。",
    ),
    "申议政府工作报告": (
        "会议申议政府工作报告。",
        "申议政府工作报告",
        "审议政府工作报告",
        "会议审议政府工作报告。",
    ),
    "共商国事（两会语境）": (
        "全国两会期间，代表委员共商国事。",
        "共商国事",
        "共商国是",
        "全国两会期间，代表委员共商国是。",
    ),
    "布署": ("召开工作布署会议。", "布署", "部署", "召开工作部署会议。"),
    "发改委（指国家层面时省略国家）": (
        "国务院办公厅与发改委联合发文。",
        "发改委",
        "国家发展改革委",
        "国务院办公厅与国家发展改革委联合发文。",
    ),
    "主权移交（指香港回归）": (
        "1997年香港主权移交。",
        "主权移交",
        "香港回归祖国 / 恢复行使主权",
        "1997年香港回归祖国。",
    ),
}


def test_every_public_row_has_a_case(shared_dir: Path) -> None:
    path = shared_dir / "reference" / "expression_rules_public.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [row["wrong_pattern"] for row in csv.DictReader(fh)]
    assert len(rows) == 50
    assert sorted(rows) == sorted(PUBLIC_CASES)


@pytest.mark.parametrize("key", sorted(PUBLIC_CASES))
def test_public_rule_found_and_correct_form_clean(checker: TextChecker, key: str) -> None:
    bad, hit, suggestion, good = PUBLIC_CASES[key]
    found = checker.check(bad)
    assert [(f.text, f.suggestion) for f in found] == [(hit, suggestion)], found
    assert found[0].offset == bad.index(hit)
    assert checker.check(good) == []


SEED_EXAMPLES = [
    ("要做好拖底工作。", "拖底", "托底"),
    ("传承中华民族优秀传统文化。", "中华民族优秀传统文化", "中华优秀传统文化"),
    ("推介会在新疆自治区举行。", "新疆自治区", "新疆维吾尔自治区"),
    ("严守中央‘八项规定’精神。", "中央‘八项规定’精神", "中央八项规定精神"),
    ("严守中央‘八项规定’。", "中央‘八项规定’", "中央八项规定"),
]


@pytest.mark.parametrize(("sentence", "hit", "suggestion"), SEED_EXAMPLES)
def test_seed_examples(checker: TextChecker, sentence: str, hit: str, suggestion: str) -> None:
    found = checker.check(sentence)
    assert [(f.text, f.suggestion, f.severity) for f in found] == [(hit, suggestion, "serious")]


def test_long_correct_form_does_not_trigger_short_rule(checker: TextChecker) -> None:
    assert checker.check("新疆维吾尔自治区和广西壮族自治区、宁夏回族自治区。") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "建设数据中台，打通业务中台。",  # 中台: tech term, no Taiwan context
        "中澳自贸协定促进了与澳大利亚的贸易，澳门也受益。",  # not_near 澳大利亚
        "建立农村长效机制，推进乡村长廊建设。",  # 村长 inside 农村长效
        "平台独立运行，后台独立部署。",  # 台独 inside 平台独立
        "解放思想，思想大解放后成效明显。",  # not_after 大
        "日本、美国等国的代表出席。",  # 等国 without HK/Macao/Taiwan nearby
        "全市发改委系统召开会议。",  # 发改委 without national context
        "国家机关要恪尽职守，处理国事。",  # 国事 without 两会 context
    ],
)
def test_context_guards_suppress(checker: TextChecker, sentence: str) -> None:
    assert [f for f in checker.check(sentence) if f.code == "TXT001"] == []


def test_guard_unit() -> None:
    rule = ExpressionRule(
        rule_id="T1",
        wrong="中港",
        correct="内地与香港",
        category="cross_strait_wording",
        severity="warning",
        near=("香港",),
        not_near=("港口",),
        exceptions=("中港城",),
        not_after=("集",),
        window=10,
    )
    assert guard_allows(rule, "中港合作，香港受益", 0, 2)
    assert not guard_allows(rule, "中港合作，内地受益", 0, 2)  # near missing
    assert not guard_allows(rule, "中港城在香港", 0, 2)  # exception covers the hit
    assert not guard_allows(rule, "集中港合作，香港", 1, 3)  # not_after
    assert not guard_allows(rule, "中港合作，香港港口", 0, 2)  # not_near


def test_quote_variants() -> None:
    variants = quote_variants("中央“八项规定”")
    assert "中央‘八项规定’" in variants
    assert '中央"八项规定"' in variants
    assert "中央「八项规定」" in variants
    assert quote_variants("拖底") == ["拖底"]


def test_shipped_rules_have_version_and_unique_ids() -> None:
    rules = default_rules()
    assert rules.version
    ids = [r.rule_id for r in rules.rules]
    assert len(ids) == len(set(ids))
    assert all(r.source for r in rules.rules)


def test_user_rules_csv_and_yaml(tmp_path: Path) -> None:
    csv_rules = parse_rules_csv(
        "id,wrong,correct,category,severity,near\nU1,某某错,某某对,typo,warning,甲|乙\n"
    )
    assert csv_rules.rules[0].near == ("甲", "乙")
    yaml_rules = parse_rules_yaml(
        "version: v1\nrules:\n  - {wrong: 甲乙, correct: 乙甲, category: typo}\n"
    )
    assert yaml_rules.version == "v1"
    assert yaml_rules.rules[0].rule_id == "USR001"
    with pytest.raises(RuleError):
        parse_rules_yaml("version: v1\nrules:\n  - {wrong: 甲乙, correct: 乙甲, category: nope}\n")
    with pytest.raises(RuleError):
        parse_rules_csv("id,wrong,correct,category\nU1,,对,typo\n")


def test_user_rule_file_extends_checker(tmp_path: Path) -> None:
    from govwatch.engine.text.checker import TextCheckConfig

    path = tmp_path / "mine.yaml"
    path.write_text(
        "version: local-1\nrules:\n"
        "  - {id: LOC001, wrong: 格尔木工业园区, correct: 格尔木工业园, category: place_name,"
        " severity: warning, source: 本地}\n",
        encoding="utf-8",
    )
    checker = TextChecker(TextCheckConfig(rule_files=(path,), typo=None))
    found = checker.check("格尔木工业园区招商。")
    assert [(f.rule_id, f.suggestion) for f in found] == [("LOC001", "格尔木工业园")]
    assert "local-1" in checker.rules.version
