"""Privacy leaks: resident ID numbers, mobiles, bank cards and passports published unmasked.

What a government site may publish is not reported: office landlines and hotlines (they do not
look like mobiles), organisations' unified social credit codes (letters, or labelled), corporate
accounts labelled 对公/户名 with an organisation. Hits are shown masked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from govwatch.engine.text.findings import SERIOUS, WARNING

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
# Mobile prefixes allocated by MIIT (工业和信息化部 number allocations); 14x/17x data/IoT/virtual ones included.
MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149", "150", "151", "152", "153"]
    + ["155", "156", "157", "158", "159", "162", "165", "166", "167"]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+86|0086|86)[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])"
)
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7})(?![0-9A-Za-z])")
_PASSPORT_RE = re.compile(
    r"(?<![0-9A-Za-z])(E[0-9A-HJ-NP-Z]\d{7}|G\d{8}|[SPD]E\d{7}|K\d{8}|MA\d{7})(?![0-9A-Za-z])"
)
# Cheap first pass: most pages hold no digit run long enough to be any of the above.
_ANY_RE = re.compile(r"\d{7}|\d{3,4}[ -]\d{4}|[A-Z]{1,2}\d{7}")
_ID_WORDS = ("身份证", "证件号", "公民身份号码", "身份号码")
_USCC_WORDS = ("统一社会信用代码", "信用代码", "组织机构代码", "纳税人识别号", "税号")
_CARD_WORDS = ("卡号", "账号", "帐号", "银行卡", "银行", "开户", "社保卡", "存折")
_CORPORATE_WORDS = ("对公", "户名：", "户名:", "单位账户", "基本户", "财政专户", "收款单位")
_PASSPORT_WORDS = ("护照", "证件号", "通行证", "旅行证")
_KEEP: dict[str, tuple[int, int]] = {
    "id_number": (2, 3),
    "mobile": (3, 4),
    "bank_card": (4, 4),
    "passport": (1, 2),
}
_DUTY_WORDS = ("值班", "联系人", "联系电话", "咨询电话", "热线", "联系方式")


@dataclass(frozen=True, slots=True)
class PrivacyHit:
    kind: str  # "id_number" | "mobile" | "bank_card" | "passport"
    start: int
    end: int
    masked: str
    severity: str
    label: str


def _valid_date(yyyymmdd: str, today: dt.date) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= today


def id_check_char(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(number: str, today: dt.date | None = None) -> bool:
    """18-char resident ID: province code, real birth date, check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in PROVINCE_CODES:
        return False
    if not _valid_date(number[6:14], today or dt.date.today()):
        return False
    return id_check_char(number[:17]) == number[17].upper()


def is_valid_id15(number: str) -> bool:
    """Old 15-digit ID (no checksum): province and a real 19YYMMDD birth date."""
    if len(number) != 15 or not number.isdigit() or int(number[:2]) not in PROVINCE_CODES:
        return False
    return _valid_date("19" + number[6:12], dt.date.today())


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and luhn_ok(digits)


def is_mobile(digits: str) -> bool:
    return len(digits) == 11 and digits[:3] in MOBILE_PREFIXES


def mask(value: str, keep_head: int, keep_tail: int) -> str:
    hidden = len(value) - keep_head - keep_tail
    if hidden <= 0:
        return "*" * len(value)
    return value[:keep_head] + "*" * hidden + value[len(value) - keep_tail :]


def _before(text: str, start: int, width: int = 20) -> str:
    return text[max(0, start - width) : start]


def _near(text: str, start: int, end: int, words: tuple[str, ...], width: int = 20) -> bool:
    around = text[max(0, start - width) : end + width]
    return any(w in around for w in words)


def scan_privacy(text: str, today: dt.date | None = None) -> Iterator[PrivacyHit]:
    if not _ANY_RE.search(text):
        return
    day = today or dt.date.today()
    taken: list[tuple[int, int]] = []
    for m in _ID_RE.finditer(text):
        number = m.group(1)
        if _near(text, m.start(), m.end(), _USCC_WORDS) and not _near(
            text, m.start(), m.end(), _ID_WORDS
        ):
            continue
        if is_valid_id_number(number, day):
            taken.append(m.span(1))
            yield PrivacyHit(
                "id_number", m.start(1), m.end(1), mask(number, 2, 3), SERIOUS, "身份证号码"
            )
    for m in _ID15_RE.finditer(text):
        if _near(text, m.start(), m.end(), _ID_WORDS) and is_valid_id15(m.group(1)):
            taken.append(m.span(1))
            yield PrivacyHit(
                "id_number", m.start(1), m.end(1), mask(m.group(1), 2, 3), SERIOUS, "身份证号码"
            )
    for m in _MOBILE_RE.finditer(text):
        digits = m.group(1) + m.group(2) + m.group(3)
        if not is_mobile(digits) or _inside(m.span(), taken):
            continue
        # A duty officer's mobile next to its label is an accepted practice: lower severity.
        severity = WARNING if _near(text, m.start(), m.end(), _DUTY_WORDS, 12) else SERIOUS
        shown = mask(digits, 3, 4)
        yield PrivacyHit("mobile", m.start(), m.end(), shown, severity, "手机号码")
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"[ -]", "", m.group(1))
        if _inside(m.span(), taken) or not is_bank_card(digits):
            continue
        if any(w in _before(text, m.start(), 30) for w in _CORPORATE_WORDS):
            continue
        if not (digits.startswith("62") or _near(text, m.start(), m.end(), _CARD_WORDS)):
            continue
        taken.append(m.span())
        yield PrivacyHit("bank_card", m.start(), m.end(), mask(digits, 4, 4), SERIOUS, "银行卡号")
    for m in _PASSPORT_RE.finditer(text):
        if _near(text, m.start(), m.end(), _PASSPORT_WORDS):
            yield PrivacyHit(
                "passport", m.start(), m.end(), mask(m.group(1), 1, 2), SERIOUS, "护照/通行证号码"
            )


def mask_spans(text: str, hits: list[PrivacyHit]) -> str:
    """Text of the same length with the hidden digits of every hit replaced by '*'."""
    if not hits:
        return text
    chars = list(text)
    for hit in hits:
        positions = [i for i in range(hit.start, hit.end) if chars[i].isalnum()]
        keep_head, keep_tail = _KEEP[hit.kind]
        for i in positions[keep_head : len(positions) - keep_tail]:
            chars[i] = "*"
    return "".join(chars)


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in taken)
