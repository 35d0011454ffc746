"""Registry file schema: the columns of each sheet and how a cell becomes a value.

Validation here is everything that can be decided from the file alone (required cells,
closed vocabularies, code and URL shapes, duplicates inside the file). Whether a named
unit or site exists is decided by the web layer against the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from govwatch.engine.registry import labels as L

FieldKind = Literal[
    "text", "list", "choice", "bool", "int", "site_code", "url", "url_list", "email", "unit",
    "unit_list",
]  # fmt: skip

Value = str | bool | int | None | tuple[str, ...]

# Lists in one cell: the export writes "；", people also type ";" "、" or line breaks.
LIST_SPLIT = re.compile(r"[；;、\n]+")
SITE_CODE = re.compile(r"^(\d{10}|bm\d{8})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Columns an office sheet may carry that mean nothing to the registry.
IGNORED_HEADERS = frozenset({"序号", "备注"})


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"「{self.sheet}」第{self.row}行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: FieldKind
    required: bool = False
    labels: L.Labels | None = None
    max_length: int = 200


@dataclass(frozen=True)
class EntitySpec:
    entity: str
    sheet: str
    fields: tuple[Field, ...]
    # Headers whose presence identifies this entity in a csv or an unnamed sheet.
    signature: frozenset[str]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields)


UNITS = EntitySpec(
    entity="units",
    sheet="单位",
    fields=(
        Field("name", "单位名称", "text", required=True),
        Field("aliases", "别名", "list"),
        Field("parent", "上级单位", "unit"),
        Field("level", "层级", "choice", required=True, labels=L.UNIT_LEVEL),
        Field("kind", "单位类型", "choice", required=True, labels=L.UNIT_KIND),
        Field("contact_person", "联系人", "text", max_length=50),
        Field("phone", "联系电话", "text", max_length=50),
        Field("email", "电子邮箱", "email", max_length=254),
    ),
    signature=frozenset({"单位名称"}),
)

SITES = EntitySpec(
    entity="sites",
    sheet="网站",
    fields=(
        Field("site_code", "网站标识码", "site_code", required=True),
        Field("name", "网站名称", "text", required=True),
        Field("home_url", "首页网址", "url", required=True, max_length=500),
        Field("extra_hosts", "其他域名", "list"),
        Field("business_systems", "业务系统", "url_list"),
        Field("kind", "网站类型", "choice", required=True, labels=L.SITE_KIND),
        Field("operating_unit", "主办单位", "unit", required=True),
        Field("supervising_unit", "主管单位", "unit"),
        Field("status", "运行状态", "choice", required=True, labels=L.SITE_STATUS),
        # Optional: a department without public services is scored on 75 points (P-9/P-10).
        Field("has_public_services", "提供办事服务", "bool"),
    ),
    signature=frozenset({"网站标识码", "网站名称"}),
)

COLUMNS = EntitySpec(
    entity="columns",
    sheet="栏目",
    fields=(
        Field("site_code", "网站标识码", "site_code", required=True),
        Field("name", "栏目名称", "text", required=True),
        Field("url", "栏目地址", "url", max_length=500),
        Field("kind", "栏目类型", "choice", required=True, labels=L.COLUMN_KIND),
        Field("responsible_units", "保障单位", "unit_list"),
        Field("cadence_days", "更新周期（天）", "int"),
    ),
    signature=frozenset({"网站标识码", "栏目名称"}),
)

ACCOUNTS = EntitySpec(
    entity="accounts",
    sheet="账号",
    fields=(
        Field("platform", "平台", "choice", required=True, labels=L.PLATFORM),
        Field("name", "账号名称", "text", required=True),
        Field("platform_id", "账号ID", "text", max_length=100),
        Field("opening_unit", "开设主体", "unit", required=True),
        Field("supervising_unit", "主管单位", "unit"),
        Field("status", "运行状态", "choice", required=True, labels=L.ACCOUNT_STATUS),
        Field("registered_national", "已在全国系统报送", "bool", required=True),
        Field("ingestion_source", "采集方式", "choice", labels=L.INGESTION_SOURCE),
        Field("feed_url", "订阅源地址", "url", max_length=500),
        Field("has_interaction", "有互动功能", "bool", required=True),
    ),
    signature=frozenset({"平台", "账号名称"}),
)

# Import order matters: sites name units, columns name sites.
SPECS: tuple[EntitySpec, ...] = (UNITS, SITES, COLUMNS, ACCOUNTS)
SPEC_BY_ENTITY: Mapping[str, EntitySpec] = {spec.entity: spec for spec in SPECS}
SPEC_BY_SHEET: Mapping[str, EntitySpec] = {spec.sheet: spec for spec in SPECS}


def detect_spec(sheet_name: str, headers: Sequence[str]) -> EntitySpec | None:
    """Which entity a sheet holds: by its name, else by its headers."""
    if sheet_name in SPEC_BY_SHEET:
        return SPEC_BY_SHEET[sheet_name]
    present = set(headers)
    matches = [spec for spec in SPECS if spec.signature <= present]
    # 栏目 also carries 网站标识码, so prefer the most specific signature.
    matches.sort(key=lambda spec: len(spec.signature & present), reverse=True)
    if matches and matches[0].entity == "sites" and "栏目名称" in present:
        return COLUMNS
    if matches:
        return matches[0]
    # A misspelt key header: take the sheet whose headers overlap most, so the error can
    # say which header is wrong instead of rejecting the whole sheet as unknown.
    best = max(SPECS, key=lambda spec: len(set(spec.headers) & present))
    return best if len(set(best.headers) & present) >= 3 else None


def check_headers(spec: EntitySpec, sheet_name: str, headers: Sequence[str]) -> list[RowError]:
    errors: list[RowError] = []
    known = set(spec.headers)
    for header in headers:
        if header and header not in known and header not in IGNORED_HEADERS:
            errors.append(
                RowError(
                    sheet_name,
                    1,
                    header,
                    f"无法识别的表头；{spec.sheet}表的表头应为：{'、'.join(spec.headers)}",
                )
            )
    seen: set[str] = set()
    for header in headers:
        if header in seen:
            errors.append(RowError(sheet_name, 1, header, "表头重复"))
        seen.add(header)
    for field in spec.fields:
        if field.required and field.header not in headers:
            errors.append(RowError(sheet_name, 1, field.header, "缺少必填列"))
    return errors


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in LIST_SPLIT.split(text) if part.strip())


def _url_problem(text: str) -> str | None:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        return f"网址格式错误（应以 http:// 或 https:// 开头）：{text}"
    if not parts.hostname or " " in text:
        return f"网址格式错误：{text}"
    return None


def parse_cell(field: Field, text: str) -> tuple[Value, str | None]:
    """(value, error message or None) for one non-empty cell."""
    kind = field.kind
    if len(text) > field.max_length and kind not in ("list", "url_list", "unit_list"):
        return None, f"内容过长（最多 {field.max_length} 字）"
    if kind in ("text", "unit"):
        return text, None
    if kind in ("list", "unit_list"):
        return split_list(text), None
    if kind == "choice":
        assert field.labels is not None
        code = L.code_of(field.labels, text)
        if code is None:
            allowed = "、".join(names[0] for names in field.labels.values())
            return None, f"无法识别的取值「{text}」，可选：{allowed}"
        return code, None
    if kind == "bool":
        lowered = text.strip().casefold()
        if lowered in L.YES:
            return True, None
        if lowered in L.NO:
            return False, None
        return None, f"应填“是”或“否”，而不是「{text}」"
    if kind == "int":
        if not text.isdigit() or int(text) <= 0:
            return None, f"应为正整数，而不是「{text}」"
        return int(text), None
    if kind == "site_code":
        code = text.strip().lower()
        if not SITE_CODE.match(code):
            return None, f"网站标识码格式错误（应为10位数字，或bm加8位数字）：「{text}」"
        return code, None
    if kind == "url":
        problem = _url_problem(text)
        return (None, problem) if problem else (text, None)
    if kind == "url_list":
        urls = split_list(text)
        for url in urls:
            problem = _url_problem(url)
            if problem:
                return None, problem
        return urls, None
    if kind == "email":
        return (text, None) if EMAIL.match(text) else (None, f"电子邮箱格式错误：「{text}」")
    raise AssertionError(f"unknown field kind {kind}")


def empty_value(field: Field) -> Value:
    if field.kind in ("list", "url_list", "unit_list"):
        return ()
    if field.key == "has_public_services":
        return True  # most sites offer services; the column marks the exceptions
    if field.kind in ("int", "bool"):
        return None
    if field.kind == "choice" and field.labels is L.INGESTION_SOURCE:
        return "none"
    return ""


def parse_row(
    spec: EntitySpec, sheet_name: str, row_number: int, cells: Mapping[str, str]
) -> tuple[dict[str, Value], list[RowError]]:
    values: dict[str, Value] = {}
    errors: list[RowError] = []
    for field in spec.fields:
        text = cells.get(field.header, "").strip()
        if not text:
            if field.required:
                errors.append(RowError(sheet_name, row_number, field.header, "必填项为空"))
            values[field.key] = empty_value(field)
            continue
        value, problem = parse_cell(field, text)
        if problem:
            errors.append(RowError(sheet_name, row_number, field.header, problem))
        values[field.key] = value
    if spec is ACCOUNTS and values.get("ingestion_source") == "feed" and not values.get("feed_url"):
        errors.append(
            RowError(sheet_name, row_number, "订阅源地址", "采集方式为订阅源时必须填写订阅源地址")
        )
    return values, errors


def natural_key(spec: EntitySpec, values: Mapping[str, Value]) -> tuple[str, ...]:
    """The key a re-import updates by (see docs/registry_format.md)."""
    if spec is UNITS:
        return (str(values["name"]),)
    if spec is SITES:
        return (str(values["site_code"]),)
    if spec is COLUMNS:
        return (str(values["site_code"]), str(values["name"]))
    platform_id = values.get("platform_id")
    if platform_id:
        return (str(values["platform"]), "id", str(platform_id))
    return (str(values["platform"]), "name", str(values["name"]))
