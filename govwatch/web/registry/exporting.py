"""registry_export: the registry as the same workbook or csv that registry_import reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from govwatch.engine.outputs import atomic_files
from govwatch.engine.registry import labels as L
from govwatch.engine.registry import schema as S
from govwatch.engine.tabular import write_csv, write_xlsx
from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias

LIST_JOIN = "；"


class RegistryExportError(Exception):
    pass


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _names() -> dict[int, str]:
    return dict(Unit.objects.values_list("id", "name"))


def _unit_depths(units: list[Unit]) -> dict[int, int]:
    """Each unit's distance from the top of its tree, walked without recursion (a chain
    may be as deep as the registry is long). A unit that is its own ancestor (edited so in
    the admin or the database) has none: the export is refused, naming the units of the
    cycle, and writes nothing (the import would refuse such a file anyway)."""
    parent = {u.id: u.parent_id for u in units}
    depth: dict[int, int] = {}
    for start in parent:
        chain: list[int] = []
        on_chain: set[int] = set()
        current: int | None = start
        while current is not None and current not in depth:
            if current in on_chain:
                cycle = chain[chain.index(current) :]
                names = {u.id: u.name for u in units}
                loop = " → ".join(names[i] for i in [*cycle, current])
                raise RegistryExportError(
                    f"单位的上级关系成环，无法导出：{loop}；请先在管理后台改正其中一个单位的上级单位"
                )
            chain.append(current)
            on_chain.add(current)
            current = parent.get(current)
        base = -1 if current is None else depth[current]
        for offset, unit_id in enumerate(reversed(chain), start=1):
            depth[unit_id] = base + offset
    return depth


def _unit_rows() -> Iterator[list[str]]:
    names = _names()
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in UnitAlias.objects.values_list("unit_id", "alias"):
        aliases.setdefault(unit_id, []).append(alias)
    # Parents before children, so the file also reads well top-down.
    units = list(Unit.objects.all())
    depth = _unit_depths(units)
    for unit in sorted(units, key=lambda u: (depth[u.id], u.name)):
        yield [
            unit.name,
            LIST_JOIN.join(sorted(aliases.get(unit.id, []))),
            names.get(unit.parent_id, "") if unit.parent_id else "",
            L.label_of(L.UNIT_LEVEL, unit.level),
            L.label_of(L.UNIT_KIND, unit.kind),
            unit.contact_person,
            unit.phone,
            unit.email,
        ]


def _site_rows() -> Iterator[list[str]]:
    names = _names()
    for site in Site.objects.order_by("site_code").iterator(chunk_size=2000):
        yield [
            site.site_code,
            site.name,
            site.home_url,
            LIST_JOIN.join(site.extra_hosts),
            LIST_JOIN.join(site.business_systems),
            L.label_of(L.SITE_KIND, site.kind),
            names[site.operating_unit_id],
            names.get(site.supervising_unit_id, "") if site.supervising_unit_id else "",
            L.label_of(L.SITE_STATUS, site.status),
            _yes_no(site.has_public_services),
        ]


def _column_rows() -> Iterator[list[str]]:
    names = _names()
    units: dict[int, list[str]] = {}
    through = Column.responsible_units.through
    for column_id, unit_id in through.objects.values_list("column_id", "unit_id"):
        units.setdefault(column_id, []).append(names[unit_id])
    columns = Column.objects.select_related("site").order_by("site__site_code", "name")
    for column in columns.iterator(chunk_size=2000):
        yield [
            column.site.site_code,
            column.name,
            column.url,
            L.label_of(L.COLUMN_KIND, column.kind),
            LIST_JOIN.join(sorted(units.get(column.id, []))),
            str(column.cadence_days) if column.cadence_days else "",
        ]


def _account_rows() -> Iterator[list[str]]:
    names = _names()
    for account in Account.objects.order_by("platform", "name", "platform_id").iterator(
        chunk_size=5000
    ):
        yield [
            L.label_of(L.PLATFORM, account.platform),
            account.name,
            account.platform_id,
            names[account.opening_unit_id],
            names.get(account.supervising_unit_id, "") if account.supervising_unit_id else "",
            L.label_of(L.ACCOUNT_STATUS, account.status),
            _yes_no(account.registered_national),
            ""
            if account.ingestion_source == "none"
            else L.label_of(L.INGESTION_SOURCE, account.ingestion_source),
            account.feed_url,
            _yes_no(account.has_interaction),
        ]


ROWS = {
    "units": _unit_rows,
    "sites": _site_rows,
    "columns": _column_rows,
    "accounts": _account_rows,
}


def registry_export(path: Path, entity: str | None = None) -> dict[str, int]:
    """Write the registry to FILE (.xlsx: every entity; .csv: the one named). Returns row counts."""
    suffix = path.suffix.lower()
    counts: dict[str, int] = {}

    def counted(name: str) -> Iterator[list[str]]:
        counts[name] = 0
        for row in ROWS[name]():
            counts[name] += 1
            yield row

    if suffix not in (".xlsx", ".csv"):
        raise RegistryExportError(
            f"不支持的导出类型 {suffix or '（无扩展名）'}，只支持 .xlsx 或 .csv"
        )
    if suffix == ".csv" and not entity:
        raise RegistryExportError(
            "导出 csv 时必须用 --entity 指定 units、sites、columns 或 accounts 之一"
        )
    if entity in (None, "units"):
        # Checked before any file is opened: a writer stopped halfway leaves nothing, but
        # the xlsx writer complains on stderr when its generators are abandoned.
        _unit_depths(list(Unit.objects.only("id", "name", "parent_id")))
    with atomic_files(path) as (temp,):
        if entity and suffix == ".csv":
            write_csv(temp, S.SPEC_BY_ENTITY[entity].headers, counted(entity))
        else:
            entities = [entity] if entity else [spec.entity for spec in S.SPECS]
            sheets = [
                (S.SPEC_BY_ENTITY[e].sheet, S.SPEC_BY_ENTITY[e].headers, counted(e))
                for e in entities
            ]
            write_xlsx(temp, sheets)
    return counts
