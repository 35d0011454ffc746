"""Table-driven tests of the privacy validators and the scan."""

from __future__ import annotations

import datetime as dt

import pytest

from govwatch.engine.text.checker import TextChecker
from govwatch.engine.text.privacy import (
    id_check_char,
    is_bank_card,
    is_mobile,
    is_valid_id15,
    is_valid_id_number,
    luhn_ok,
    mask,
    scan_privacy,
)

TODAY = dt.date(2025, 6, 30)
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # independent of the module's table


def with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # the standard's example, X check char
        ("11010519491231002x", True),  # lowercase x accepted
        ("440524188001010014", False),  # the standard's 1880 example: no living person
        (with_check("35052419800101001"), True),
        (with_check("63280119900101123"), True),  # Golmud area code
        ("110105194912310021", False),  # wrong check digit
        (with_check("11010519490230002"), False),  # 30 February
        (with_check("11010518991231002"), False),  # before 1900
        (with_check("11010520300101002"), False),  # born in the future
        (with_check("99010519491231002"), False),  # no such province
        ("1101051949123100", False),  # too short
    ],
)
def test_id_number(number: str, valid: bool) -> None:
    assert is_valid_id_number(number, TODAY) is valid


def test_check_char_matches_independent_formula() -> None:
    first17 = "34052419800101001"
    assert with_check(first17)[-1] == id_check_char(first17)


@pytest.mark.parametrize(
    ("number", "valid"),
    [("110105491231002", True), ("110105491331002", False), ("990105491231002", False)],
)
def test_old_15_digit_id(number: str, valid: bool) -> None:
    assert is_valid_id15(number) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("14212345678", False),  # unallocated prefix
        ("12345678901", False),
        ("1381234567", False),  # 10 digits
    ],
)
def test_mobile(digits: str, valid: bool) -> None:
    assert is_mobile(digits) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("6222021234567890128", True),  # 19-digit UnionPay, Luhn-valid
        ("4111111111111111", True),  # 16-digit Visa test number
        ("6222021234567890123", False),  # Luhn fails
        ("411111111111111", False),  # 15 digits
    ],
)
def test_bank_card(digits: str, valid: bool) -> None:
    assert is_bank_card(digits) is valid


def test_luhn_rejects_non_digits() -> None:
    assert not luhn_ok("4111a11111111111")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("申请人张三，身份证号11010519491231002X，住址略。", ["id_number"]),
        ("身份证号110105194912310021。", []),  # invalid check digit
        ("身份证号11*************02X已遮盖。", []),  # masked: compliant
        ("联系人：李四，手机13812345678。", ["mobile"]),
        ("手机号 138****5678 已脱敏。", []),
        ("办公电话：0979-8415161，传真：0979-8415162。", []),  # office landline
        ("电 话：8415161，政务服务热线12345。", []),  # local landline, hotline
        ("咨询电话400-800-1234。", []),
        ("统一社会信用代码：11632801MB1234567X。", []),  # organisation code
        ("统一社会信用代码 916328017109876543", []),  # digits-only USCC, labelled
        ("工资卡号6222021234567890128。", ["bank_card"]),
        ("开户行：工商银行，户名：格尔木市财政局，账号6222021234567890128。", []),
        ("订单编号4111111111111111。", []),  # Luhn-valid but no card context, not 62
        ("护照号码E12345678，请妥善保管。", ["passport"]),
        ("产品型号E12345678。", []),  # passport shape without keyword
        ("值班电话：13812345678。", ["mobile"]),
    ],
)
def test_scan(text: str, kinds: list[str]) -> None:
    assert [h.kind for h in scan_privacy(text, TODAY)] == kinds


def test_duty_mobile_is_a_warning_not_serious() -> None:
    duty = list(scan_privacy("值班电话：13812345678。", TODAY))
    listed = list(scan_privacy("张三 13812345678 李四 13912345678", TODAY))
    assert [h.severity for h in duty] == ["warning"]
    assert [h.severity for h in listed] == ["serious", "serious"]


def test_mask() -> None:
    assert mask("13812345678", 3, 4) == "138****5678"
    assert mask("11010519491231002X", 2, 3) == "11*************02X"
    assert mask("ab", 3, 4) == "**"


def test_findings_never_show_the_number(checker: TextChecker) -> None:
    text = "公示名单：王五 身份证号11010519491231002X 手机13812345678 新疆自治区"
    found = checker.check(text)
    assert {f.rule_id for f in found} >= {"privacy:id_number", "privacy:mobile", "EXP001"}
    for finding in found:
        assert "11010519491231002X" not in finding.context + finding.text
        assert "13812345678" not in finding.context + finding.text
