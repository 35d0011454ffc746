"""registry_import: read a registry workbook or csv, validate everything, then write.

Nothing is written unless the whole file is valid: all rows are checked, every error is
collected (sheet, row, column, reason), and the database work runs in one transaction
that a dry run or any error rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from govwatch.engine.registry import schema as S
from govwatch.engine.rows import Row, RowErrors, RowsRefused, Value, check_headers, parse_rows
from govwatch.engine.tabular import Sheet, TableFileError, read_table_file
from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias, normalize_name
from govwatch.web.registry.resolver import UnitIndex, UnitLookupError

BATCH = 1000


class RegistryImportError(RowsRefused):
    pass


class _RollBack(Exception):
    """Raised inside the transaction of a dry run to discard its writes."""


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    dry_run: bool
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def note(self, entity: str, key: str, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
        counts = self.counts.setdefault(entity, EntityCounts())
        if old is None:
            counts.created += 1
            self.changes.append(f"新增{S.SPEC_BY_ENTITY[entity].sheet}：{key}")
            return
        diffs = [f"{k}: {old[k]!r} → {new[k]!r}" for k in new if old.get(k) != new[k]]
        if diffs:
            counts.updated += 1
            self.changes.append(f"更新{S.SPEC_BY_ENTITY[entity].sheet} {key}：" + "；".join(diffs))
        else:
            counts.unchanged += 1

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


@dataclass
class _Parsed:
    spec: S.EntitySpec
    sheet: str
    # Rows with format errors (not ``ok``) are not written, but their unit names are still
    # checked so that one message lists everything wrong with the file.
    rows: list[Row]

    def good_rows(self) -> list[Row]:
        return [row for row in self.rows if row.ok]


def _parse_sheets(sheets: list[Sheet], errors: RowErrors) -> dict[str, _Parsed]:
    parsed: dict[str, _Parsed] = {}
    for sheet in sheets:
        spec = S.detect_spec(sheet.name, sheet.headers)
        if spec is None:
            expected = "；".join(f"{s.sheet}：{'、'.join(s.headers)}" for s in S.SPECS)
            errors.add(sheet.name, 1, "", f"无法识别的表头，应为以下之一——{expected}")
            continue
        if spec.entity in parsed:
            errors.add(sheet.name, 1, "", f"文件中有两张{spec.sheet}表")
            continue
        columns = check_headers(
            sheet, spec.fields, errors, unknown=spec.unknown_header, ignored=S.IGNORED_HEADERS
        )
        if columns is None:
            continue
        rows = parse_rows(sheet, spec.fields, columns, errors)
        first_row_of: dict[tuple[str, ...], int] = {}
        for row in rows:
            S.check_row(spec, row, errors)
            if not row.ok:
                continue
            key = S.natural_key(spec, row.values)
            if key in first_row_of:
                fields = S.key_fields(spec, row.values)
                label = "、".join(row.headers[f] for f in fields)
                errors.add(sheet.name, row.number, label, f"与第{first_row_of[key]}行重复")
                row.ok = False
                continue
            first_row_of[key] = row.number
        parsed[spec.entity] = _Parsed(spec, sheet.name, rows)
    return parsed


def registry_import(path: Path, *, dry_run: bool = False, scope: str | None = None) -> ImportReport:
    """Import units, sites, columns and accounts from FILE; all or nothing."""
    try:
        sheets = read_table_file(path)
    except TableFileError as exc:
        raise RegistryImportError([f"{path.name}：{exc}"]) from exc
    if not any(sheet.rows for sheet in sheets):
        raise RegistryImportError([f"{path.name}：文件中没有数据行（只有表头）"])
    errors = RowErrors()
    parsed = _parse_sheets(sheets, errors)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Writer(report, scope, errors).run(parsed)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return report


class _Writer:
    """Applies parsed sheets inside the caller's transaction; raises on any error."""

    def __init__(self, report: ImportReport, scope: str | None, errors: RowErrors) -> None:
        self.report = report
        # Starts with the file-level errors, so that one message lists everything wrong.
        self.errors = errors
        self.done: set[str] = set()
        self.index = UnitIndex.load()
        self.scope: int | None = None
        if scope:
            try:
                self.scope = self.index.resolve(scope)
            except UnitLookupError as exc:
                raise RegistryImportError([f"--scope：{exc}"]) from exc

    def run(self, parsed: dict[str, _Parsed]) -> None:
        steps: list[tuple[str, Callable[[_Parsed], None]]] = [
            ("units", self._units),
            ("sites", self._sites),
            ("columns", self._columns),
            ("accounts", self._accounts),
        ]
        for entity, step in steps:
            if entity not in parsed:
                continue
            step(parsed[entity])
            self.done.add(parsed[entity].sheet)
            if self.done & self.errors.sheets.keys():
                # Later sheets name what earlier ones define; stop after the first bad sheet
                # so that one mistake is not reported again as dozens of unknown names.
                raise RegistryImportError(self.errors)
        if self.errors:  # errors in sheets that could not be recognised at all
            raise RegistryImportError(self.errors)

    def _sheet_ok(self, sheet: str) -> bool:
        return sheet not in self.errors.sheets

    def _unit(self, row: Row, key: str, name: Value = None) -> int | None:
        """The unit ``name`` (default: the row's cell ``key``) names, or None and an error."""
        name = name or row.values.get(key)
        if not name or not isinstance(name, str):
            return None
        try:
            return self.index.resolve(name, self.scope)
        except UnitLookupError as exc:
            self.errors.at(row, key, str(exc))
            return None

    # -- units -------------------------------------------------------------------------
    def _units(self, data: _Parsed) -> None:
        existing = {u.id: u for u in Unit.objects.all()}
        aliases_of: dict[int, list[str]] = {}
        for alias in UnitAlias.objects.all():
            aliases_of.setdefault(alias.unit_id, []).append(alias.alias)
        row_unit: list[tuple[Row, Unit, dict[str, Any] | None]] = []
        to_create: list[Unit] = []
        for row in data.good_rows():
            name = row.text("name")
            unit_id = self.index.names.get(normalize_name(name))
            if unit_id is None:
                # A renamed unit is found by its alias (机构改革): same unit, new name.
                hits = {u for _, u in self.index.aliases.get(normalize_name(name), [])}
                unit_id = hits.pop() if len(hits) == 1 else None
            unit = existing.get(unit_id) if unit_id is not None else None
            old = None
            if unit is None:
                unit = Unit(name=name, name_key=normalize_name(name))
                to_create.append(unit)
            else:
                old = self._unit_state(unit, aliases_of.get(unit.id, []))
            for key in ("name", "level", "kind", "contact_person", "phone", "email"):
                setattr(unit, key, row.text(key))
            unit.name_key = normalize_name(unit.name)
            row_unit.append((row, unit, old))
        for start in range(0, len(to_create), BATCH):
            Unit.objects.bulk_create(to_create[start : start + BATCH])
        for _, unit, _ in row_unit:
            self.index.add_unit(unit.id, unit.name, unit.parent_id, unit.kind)
        # Parents are resolved once every unit of the sheet exists, so order is free.
        for row, unit, _ in row_unit:
            parent_id = self._unit(row, "parent")
            if parent_id is not None and unit.id in self.index.chain(parent_id):
                self.errors.at(row, "parent", "上级关系形成循环")
                parent_id = None
            unit.parent_id = parent_id
            self.index.parent[unit.id] = parent_id
        self._check_alias_conflicts(row_unit)
        if not self._sheet_ok(data.sheet):
            return
        changed: list[Unit] = []
        realiased: list[tuple[Unit, list[str]]] = []
        for row, unit, old in row_unit:
            aliases = sorted(set(row.values["aliases"]))  # type: ignore[arg-type]
            new_state = self._unit_state(unit, aliases)
            self.report.note("units", unit.name, old, new_state)
            # New units were created before parents could be resolved: they need it too.
            if old is None or old != new_state:
                changed.append(unit)
            # A new parent can mean a new region, and aliases are scoped to the region.
            if old is None or old["别名"] != aliases or old["上级单位"] != new_state["上级单位"]:
                realiased.append((unit, aliases))
        Unit.objects.bulk_update(
            changed,
            ["name", "name_key", "parent", "level", "kind", "contact_person", "phone", "email"],
            batch_size=BATCH,
        )
        # Only units whose alias set changed are touched, so a re-import writes nothing.
        UnitAlias.objects.filter(unit_id__in=[u.id for u, _ in realiased]).delete()
        new_aliases = []
        for unit, aliases in realiased:
            scope = self.index.region_of(unit.id)
            for alias in aliases:
                key = normalize_name(alias)
                new_aliases.append(UnitAlias(unit=unit, alias=alias, alias_key=key, scope_id=scope))
                self.index.aliases.setdefault(key, []).append((scope, unit.id))
        UnitAlias.objects.bulk_create(new_aliases, batch_size=BATCH)

    def _check_alias_conflicts(self, row_unit: list[Any]) -> None:
        in_file = {u.id for _, u, _ in row_unit}
        taken: dict[tuple[str, int], int] = {}
        for key, entries in self.index.aliases.items():
            for scope, unit_id in entries:
                if unit_id not in in_file:
                    taken[(key, scope)] = unit_id
        for row, unit, _ in row_unit:
            scope = self.index.region_of(unit.id)
            for alias in row.values["aliases"]:
                key = normalize_name(alias)
                other = self.index.names.get(key)
                if other is not None and other != unit.id:
                    self.errors.at(row, "aliases", f"别名「{alias}」是另一个单位的名称")
                    continue
                holder = taken.get((key, scope))
                if holder is not None and holder != unit.id:
                    region, owner = self.index.display[scope], self.index.display[holder]
                    self.errors.at(row, "aliases", f"别名「{alias}」在{region}范围内已属于{owner}")
                taken[(key, scope)] = unit.id

    def _unit_state(self, unit: Unit, aliases: Iterable[str]) -> dict[str, Any]:
        return {
            "单位名称": unit.name,
            "别名": sorted(set(aliases)),
            "上级单位": self.index.display.get(unit.parent_id) if unit.parent_id else None,
            "层级": unit.level,
            "单位类型": unit.kind,
            "联系人": unit.contact_person,
            "联系电话": unit.phone,
            "电子邮箱": unit.email,
        }

    # -- sites -------------------------------------------------------------------------
    def _sites(self, data: _Parsed) -> None:
        existing = {s.site_code: s for s in Site.objects.all()}
        fields = ["name", "home_url", "extra_hosts", "business_systems", "kind"]
        fields += ["operating_unit_id", "supervising_unit_id", "status", "has_public_services"]
        self._upsert(
            data,
            "sites",
            existing,
            lambda values: [str(values["site_code"])],
            lambda values: Site(site_code=str(values["site_code"])),
            fields,
            {"operating_unit_id": "operating_unit", "supervising_unit_id": "supervising_unit"},
        )

    # -- accounts ----------------------------------------------------------------------
    def _accounts(self, data: _Parsed) -> None:
        existing: dict[str, Account] = {}
        for account in Account.objects.all():
            existing[self._account_key(account.platform, account.platform_id, account.name)] = (
                account
            )

        def key(values: dict[str, Value]) -> list[str]:
            platform, name = str(values["platform"]), str(values["name"])
            # An account first registered by name keeps its row once its id is known.
            keys = [self._account_key(platform, str(values["platform_id"]), name)]
            return [*keys, self._account_key(platform, "", name)]

        fields = ["platform", "name", "platform_id", "opening_unit_id", "supervising_unit_id"]
        fields += ["status", "registered_national", "ingestion_source", "feed_url"]
        fields += ["has_interaction"]
        self._upsert(
            data,
            "accounts",
            existing,
            key,
            lambda values: Account(),
            fields,
            {"opening_unit_id": "opening_unit", "supervising_unit_id": "supervising_unit"},
        )

    @staticmethod
    def _account_key(platform: str, platform_id: str, name: str) -> str:
        return f"{platform}|id|{platform_id}" if platform_id else f"{platform}|name|{name}"

    def _upsert(
        self,
        data: _Parsed,
        entity: str,
        existing: dict[str, Any],
        key_of: Callable[[dict[str, Value]], list[str]],
        new: Callable[[dict[str, Value]], Any],
        fields: list[str],
        unit_fields: dict[str, str],
    ) -> None:
        good = data.good_rows()
        for row in (row for row in data.rows if not row.ok):
            for source in unit_fields.values():
                self._unit(row, source)
        creates: list[Any] = []
        updates: list[Any] = []
        for row in good:
            wanted: dict[str, Any] = {}
            for name in fields:
                if name in unit_fields:
                    wanted[name] = self._unit(row, unit_fields[name])
                else:
                    value = row.values[name]
                    wanted[name] = list(value) if isinstance(value, tuple) else value
            values = row.values
            keys = key_of(values)
            key = keys[0]
            obj = next((existing[k] for k in keys if k in existing), None)
            old = None if obj is None else {n: getattr(obj, n) for n in fields}
            if obj is None:
                obj = new(values)
                creates.append(obj)
                existing[key] = obj
            elif old != wanted:
                updates.append(obj)
            for name, value in wanted.items():
                setattr(obj, name, value)
            self.report.note(entity, key, self._readable(old), self._readable(wanted))
        if not self._sheet_ok(data.sheet):
            return
        model = type(creates[0]) if creates else (type(updates[0]) if updates else None)
        if model is None:
            return
        model.objects.bulk_create(creates, batch_size=BATCH)
        model.objects.bulk_update(updates, fields, batch_size=BATCH)

    def _readable(self, state: dict[str, Any] | None) -> dict[str, Any] | None:
        if state is None:
            return None
        return {
            k: (self.index.display.get(v) if k.endswith("unit_id") and v else v)
            for k, v in state.items()
        }

    # -- columns -----------------------------------------------------------------------
    def _columns(self, data: _Parsed) -> None:
        sites = dict(Site.objects.values_list("site_code", "id"))
        existing = {(c.site_id, c.name): c for c in Column.objects.all()}
        current_units: dict[int, set[int]] = {}
        through = Column.responsible_units.through
        for column_id, unit_id in through.objects.values_list("column_id", "unit_id"):
            current_units.setdefault(column_id, set()).add(unit_id)
        planned: list[tuple[Column, set[int], bool]] = []
        for row in data.good_rows():
            values = row.values
            site_id = sites.get(str(values["site_code"]))
            if site_id is None:
                self.errors.at(row, "site_code", f"未登记的网站标识码「{values['site_code']}」")
                continue
            units: set[int] = set()
            for name in values["responsible_units"]:  # type: ignore[union-attr]
                unit_id = self._unit(row, "responsible_units", name)
                if unit_id is not None:
                    units.add(unit_id)
            column = existing.get((site_id, str(values["name"])))
            wanted = {
                "url": values["url"],
                "kind": values["kind"],
                "cadence_days": values["cadence_days"],
            }
            old = None
            if column is None:
                column = Column(site_id=site_id, name=str(values["name"]))
            else:
                old = {k: getattr(column, k) for k in wanted}
                old["保障单位"] = sorted(
                    self.index.display[u] for u in current_units.get(column.id, ())
                )
            for k, v in wanted.items():
                setattr(column, k, v)
            new_state = dict(wanted, 保障单位=sorted(self.index.display[u] for u in units))
            self.report.note("columns", f"{values['site_code']}/{values['name']}", old, new_state)
            planned.append((column, units, old is None or old != new_state))
        if not self._sheet_ok(data.sheet):
            return
        updates = [c for c, _, changed in planned if c.pk is not None and changed]
        Column.objects.bulk_create([c for c, _, _ in planned if c.pk is None], batch_size=BATCH)
        Column.objects.bulk_update(updates, ["url", "kind", "cadence_days"], batch_size=BATCH)
        relinked = [
            (c, units) for c, units, _ in planned if current_units.get(c.id, set()) != units
        ]
        through.objects.filter(column_id__in=[c.id for c, _ in relinked]).delete()
        links = [through(column_id=c.id, unit_id=u) for c, units in relinked for u in sorted(units)]
        through.objects.bulk_create(links, batch_size=BATCH)
