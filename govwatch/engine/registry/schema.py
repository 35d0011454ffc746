"""Registry file schema: the columns of each sheet and the checks of one row.

Validation here is everything that can be decided from the file alone (required cells,
closed vocabularies, code and URL shapes, duplicates inside the file). Whether a named
unit or site exists is decided by the web layer against the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from govwatch.engine.registry import labels as L
from govwatch.engine.rows import Field, Row, RowErrors, Value

SITE_CODE = re.compile(r"^(\d{10}|bm\d{8})$")
# Columns an office sheet may carry that mean nothing to the registry.
IGNORED_HEADERS = frozenset({"序号", "备注"})


def site_code(text: str) -> str:
    code = text.lower()  # typed in capitals by hand
    if not SITE_CODE.match(code):
        raise ValueError(f"网站标识码格式错误（应为10位数字，或bm加8位数字）：「{text}」")
    return code


def positive(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"应为正整数，而不是「{text}」")
    return int(text)


@dataclass(frozen=True)
class EntitySpec:
    entity: str
    sheet: str
    fields: tuple[Field, ...]
    # Headers whose presence identifies this entity in a csv or an unnamed sheet.
    signature: frozenset[str]
    key: tuple[str, ...]  # the fields a re-import updates by (accounts: see key_fields)

    def __post_init__(self) -> None:
        # Text cells go into 200-character columns unless a field says otherwise.
        fields = tuple(replace(f, max_length=f.max_length or 200) for f in self.fields)
        object.__setattr__(self, "fields", fields)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields)

    @property
    def unknown_header(self) -> str:
        return f"无法识别的表头；{self.sheet}表的表头应为：{'、'.join(self.headers)}"


UNITS = EntitySpec(
    entity="units",
    sheet="单位",
    fields=(
        Field("name", "单位名称"),
        Field("aliases", "别名", "list", False),
        Field("parent", "上级单位", "unit", False),
        Field("level", "层级", "choice", choices=L.UNIT_LEVEL),
        Field("kind", "单位类型", "choice", choices=L.UNIT_KIND),
        Field("contact_person", "联系人", required=False, max_length=50),
        Field("phone", "联系电话", required=False, max_length=50),
        Field("email", "电子邮箱", "email", False, max_length=254),
    ),
    signature=frozenset({"单位名称"}),
    key=("name",),
)

SITES = EntitySpec(
    entity="sites",
    sheet="网站",
    fields=(
        Field("site_code", "网站标识码", parse=site_code),
        Field("name", "网站名称"),
        Field("home_url", "首页网址", "url", max_length=500),
        Field("extra_hosts", "其他域名", "list", False),
        Field("business_systems", "业务系统", "url_list", False, max_length=500),
        Field("kind", "网站类型", "choice", choices=L.SITE_KIND),
        Field("operating_unit", "主办单位", "unit"),
        Field("supervising_unit", "主管单位", "unit", False),
        Field("status", "运行状态", "choice", choices=L.SITE_STATUS),
        # Blank is 是: a department without public services is scored on 75 points (P-9/P-10).
        Field("has_public_services", "提供办事服务", "bool", False, default=True),
    ),
    signature=frozenset({"网站标识码", "网站名称"}),
    key=("site_code",),
)

COLUMNS = EntitySpec(
    entity="columns",
    sheet="栏目",
    fields=(
        Field("site_code", "网站标识码", parse=site_code),
        Field("name", "栏目名称"),
        Field("url", "栏目地址", "url", False, max_length=500),
        Field("kind", "栏目类型", "choice", choices=L.COLUMN_KIND),
        Field("responsible_units", "保障单位", "list", False),
        Field("cadence_days", "更新周期（天）", "count", False, parse=positive),
    ),
    signature=frozenset({"网站标识码", "栏目名称"}),
    key=("site_code", "name"),
)

ACCOUNTS = EntitySpec(
    entity="accounts",
    sheet="账号",
    fields=(
        Field("platform", "平台", "choice", choices=L.PLATFORM),
        Field("name", "账号名称"),
        Field("platform_id", "账号ID", required=False, max_length=100),
        Field("opening_unit", "开设主体", "unit"),
        Field("supervising_unit", "主管单位", "unit", False),
        Field("status", "运行状态", "choice", choices=L.ACCOUNT_STATUS),
        Field("registered_national", "已在全国系统报送", "bool"),
        Field("ingestion_source", "采集方式", "choice", False, L.INGESTION_SOURCE, default="none"),
        Field("feed_url", "订阅源地址", "url", False, max_length=500),
        Field("has_interaction", "有互动功能", "bool"),
    ),
    signature=frozenset({"平台", "账号名称"}),
    key=("platform", "name"),
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


def check_row(spec: EntitySpec, row: Row, errors: RowErrors) -> None:
    """What one row's cells cannot say alone."""
    source, feed_url = row.values.get("ingestion_source"), row.values.get("feed_url")
    if spec is ACCOUNTS and source == "feed" and not feed_url:
        errors.at(row, "feed_url", "采集方式为订阅源时必须填写订阅源地址")


def key_fields(spec: EntitySpec, values: Mapping[str, Value]) -> tuple[str, ...]:
    """An account is known by its platform id once it has one, else by its name."""
    if spec is ACCOUNTS and values.get("platform_id"):
        return ("platform", "platform_id")
    return spec.key


def natural_key(spec: EntitySpec, values: Mapping[str, Value]) -> tuple[str, ...]:
    """The key a re-import updates by (see docs/registry_format.md)."""
    fields = key_fields(spec, values)
    return (*fields, *(str(values[f]) for f in fields))
