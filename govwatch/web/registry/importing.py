"""registry_import: read a registry workbook or csv, validate everything, then write.

Nothing is written unless the whole file is valid, and the import runs in three phases so
that a national registry (200,000 units) neither fills the memory nor locks the database:

1. read: every sheet is streamed row by row and each cell parsed and checked; a row is kept
   as one tuple of values, never as the workbook's cell dicts;
2. plan: unit names are resolved, each row is compared with the stored one (fetched by
   natural key as plain values, BATCH rows at a time) and every error is collected (sheet,
   row, column, reason). A bad file is refused here, a dry run stops here: nothing written;
3. write: one short transaction inserts the new rows and updates only the changed columns
   of the changed rows, BATCH rows a statement. Reading and planning run before it opens,
   so the web app and the other verbs wait seconds for the database, not minutes.

The registry could change between 2. and 3. (the admin, another import): the transaction
first checks that it did not, else the import plans again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from govwatch.engine import tabular
from govwatch.engine.registry import schema as S
from govwatch.engine.rows import RowErrors, RowsRefused, Value, check_headers, parse_rows
from govwatch.engine.tabular import Sheet, TableFileError, cell_text
from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias, normalize_name
from govwatch.web.registry.resolver import UnitIndex, UnitLookupError

# Rows per statement, per prefetch and per parsed chunk. A prefetch names up to two BATCHes
# of keys: SQLite before 3.32 takes at most 999 parameters a query.
BATCH = 2000 if sqlite3.sqlite_version_info >= (3, 32) else 450
# Plans made before giving up when the registry keeps changing under the import.
PLAN_ATTEMPTS = 3
# Unknown unit names get "是否指" suggestions only in the first errors listed: each compares
# the name with every unit and alias (200,000 units: a second apiece).
SUGGESTED = 20

UNIT_FIELDS = ("name", "name_key", "parent_id", "level", "kind", "contact_person", "phone", "email")
SITE_FIELDS = (
    "name", "home_url", "extra_hosts", "business_systems", "kind", "operating_unit_id",
    "supervising_unit_id", "status", "has_public_services",
)  # fmt: skip
COLUMN_FIELDS = ("url", "kind", "cadence_days")
ACCOUNT_FIELDS = (
    "platform", "name", "platform_id", "opening_unit_id", "supervising_unit_id", "status",
    "registered_national", "ingestion_source", "feed_url", "has_interaction",
)  # fmt: skip
# List cells of unit names.
UNIT_LISTS = frozenset({"aliases", "responsible_units"})
# Columns holding a unit id, by entity, and the cell naming that unit.
UNIT_REFS = {
    "sites": {"operating_unit_id": "operating_unit", "supervising_unit_id": "supervising_unit"},
    "accounts": {"opening_unit_id": "opening_unit", "supervising_unit_id": "supervising_unit"},
}


class RegistryImportError(RowsRefused):
    pass


class _RegistryChanged(Exception):
    """The registry changed between planning and writing: plan again."""


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
    # How long the write transaction held the database (0: a dry run wrote nothing).
    write_seconds: float = 0.0

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

    def same(self, entity: str) -> None:
        self.counts.setdefault(entity, EntityCounts()).unchanged += 1

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


def registry_import(path: Path, *, dry_run: bool = False, scope: str | None = None) -> ImportReport:
    """Import units, sites, columns and accounts from FILE; all or nothing."""
    errors = RowErrors()
    try:
        tables, has_rows = _read(path, errors)
    except TableFileError as exc:
        raise RegistryImportError([f"{path.name}：{exc}"]) from exc
    if not has_rows:
        raise RegistryImportError([f"{path.name}：文件中没有数据行（只有表头）"])
    for _ in range(PLAN_ATTEMPTS):
        seen = _fingerprint()
        planner = _Planner(ImportReport(dry_run=dry_run), scope, errors)
        try:
            planner.run(tables)  # raises RegistryImportError on any error: nothing written
            if dry_run:
                return planner.report
            planner.report.write_seconds = planner.writes.apply(seen)
        except _RegistryChanged:
            continue
        except IntegrityError as exc:  # a change that slipped past the check
            raise RegistryImportError(
                [f"写入时与数据库中的登记数据冲突（{exc}），未写入任何数据；请重新导入"]
            ) from exc
        return planner.report
    raise RegistryImportError(["导入期间登记数据一再被其他操作修改，未写入任何数据；请稍后重试"])


# -- 1. read ---------------------------------------------------------------------------


class _Rec:
    """One data row: its line in the file, whether it passed every check so far, and its
    values in the order of the sheet's fields (a tuple: 200,000 dicts would be ~100 MB)."""

    __slots__ = ("number", "ok", "values")

    def __init__(self, number: int, ok: bool, values: tuple[Value, ...]) -> None:
        self.number, self.ok, self.values = number, ok, values


class _Table:
    """The rows of one sheet, parsed."""

    def __init__(self, spec: S.EntitySpec, sheet: str) -> None:
        self.spec, self.sheet = spec, sheet
        self.records: list[_Rec] = []
        self.pos = {f.key: at for at, f in enumerate(spec.fields)}
        self.headers = {f.key: f.header for f in spec.fields}
        # Unit names repeat from row to row (上级单位, 市公安局 in every city): one copy of
        # each is kept.
        self.shared = [
            at for at, f in enumerate(spec.fields) if f.kind == "unit" or f.key in UNIT_LISTS
        ]
        self.pool: dict[Any, Any] = {}

    def keep(self, values: list[Value]) -> tuple[Value, ...]:
        """The row's values, repeated names shared with earlier rows."""
        pool = self.pool
        for at in self.shared:
            value = values[at]
            if isinstance(value, tuple):
                value = tuple(pool.setdefault(item, item) for item in value)
            if value:
                values[at] = pool.setdefault(value, value)
        return tuple(values)

    def get(self, rec: _Rec, key: str) -> Value:
        return rec.values[self.pos[key]]

    def text(self, rec: _Rec, key: str) -> str:
        value = rec.values[self.pos[key]]
        return value if isinstance(value, str) else ""

    def items(self, rec: _Rec, key: str) -> tuple[str, ...]:
        value = rec.values[self.pos[key]]
        return value if isinstance(value, tuple) else ()

    def error(self, errors: RowErrors, rec: _Rec, key: str, reason: str) -> None:
        rec.ok = False
        errors.add(self.sheet, rec.number, self.headers.get(key, key), reason)


def _sheets(path: Path) -> Iterator[tuple[str, Iterator[Sequence[object]]]]:
    """Each sheet's name and raw rows, read lazily, within the size limits of a table read
    whole (the rows are kept, if compactly, until the import is written)."""
    xlsx = path.suffix.lower() == ".xlsx"
    limit = tabular.MAX_XLSX_UNPACKED_BYTES if xlsx else tabular.MAX_CSV_BYTES
    return tabular.iter_sheets(path, max_bytes=limit)


def _read(path: Path, errors: RowErrors) -> tuple[dict[str, _Table], bool]:
    """Every recognised sheet parsed and checked on its own, and whether any has a data row."""
    tables: dict[str, _Table] = {}
    any_header = has_rows = False
    for name, raw_rows in _sheets(path):
        rows = enumerate(raw_rows, start=1)
        headers: tuple[str, ...] | None = None
        for _, raw in rows:
            cells = [cell_text(value).replace("\ufeff", "").strip() for value in raw]
            if any(cells):
                while not cells[-1]:
                    cells.pop()
                headers = tuple(cells)
                break
        if headers is None:
            continue  # a sheet without a header is no sheet (as in engine.tabular)
        any_header = True
        has_rows |= _read_sheet(name, headers, rows, errors, tables)
    if not any_header:
        raise TableFileError(
            "工作簿为空，没有任何表头" if path.suffix.lower() == ".xlsx" else "文件为空，没有表头"
        )
    return tables, has_rows


def _read_sheet(
    name: str,
    headers: tuple[str, ...],
    rows: Iterator[tuple[int, Sequence[object]]],
    errors: RowErrors,
    tables: dict[str, _Table],
) -> bool:
    """Parse one sheet's rows into ``tables``; whether it has a data row."""
    spec = S.detect_spec(name, headers)
    columns: dict[str, str] | None = None
    if spec is None:
        expected = "；".join(f"{s.sheet}：{'、'.join(s.headers)}" for s in S.SPECS)
        errors.add(name, 1, "", f"无法识别的表头，应为以下之一——{expected}")
    elif spec.entity in tables:
        errors.add(name, 1, "", f"文件中有两张{spec.sheet}表")
    else:
        columns = check_headers(
            Sheet(name, headers, ()),
            spec.fields,
            errors,
            unknown=spec.unknown_header,
            ignored=S.IGNORED_HEADERS,
        )
    if spec is None or columns is None:
        return any(any(cell_text(value) for value in raw) for _, raw in rows)
    table = tables[spec.entity] = _Table(spec, name)
    # A repeated header is refused above; its last column is the one read, as in tabular.
    at = {header: index for index, header in enumerate(headers) if header}
    wanted = [(header, at[header]) for header in set(columns.values())]
    first_row_of: dict[object, int] = {}
    chunk: list[tuple[int, dict[str, str]]] = []
    for number, raw in rows:
        cells = [cell_text(value) for value in raw]
        if not any(cells):
            continue
        width = len(cells)
        chunk.append((number, {h: cells[i] if i < width else "" for h, i in wanted}))
        if len(chunk) >= BATCH:
            _parse_chunk(table, headers, columns, chunk, errors, first_row_of)
            chunk = []
    _parse_chunk(table, headers, columns, chunk, errors, first_row_of)
    return bool(table.records)


def _parse_chunk(
    table: _Table,
    headers: tuple[str, ...],
    columns: dict[str, str],
    chunk: list[tuple[int, dict[str, str]]],
    errors: RowErrors,
    first_row_of: dict[object, int],
) -> None:
    spec = table.spec
    sheet = Sheet(table.sheet, headers, tuple(chunk))
    for row in parse_rows(sheet, spec.fields, columns, errors):
        S.check_row(spec, row, errors)
        if row.ok:
            key = S.natural_key(spec, row.values)
            first = first_row_of.setdefault(key[1] if len(key) == 2 else key, row.number)
            if first != row.number:
                label = "、".join(row.headers[f] for f in S.key_fields(spec, row.values))
                errors.add(table.sheet, row.number, label, f"与第{first}行重复")
                row.ok = False
        values = table.keep([row.values[f.key] for f in spec.fields])
        table.records.append(_Rec(row.number, row.ok, values))


# -- 2. plan ---------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fingerprint() -> tuple[object, ...]:
    """What changes when the registry does: rows added or removed, and rows saved (the
    admin and imports set updated_at; aliases and column units are only added and removed)."""
    parts: list[object] = []
    for model in (Unit, Site, Column, Account):
        stats = model.objects.aggregate(n=Count("pk"), top=Max("pk"), at=Max("updated_at"))
        parts.append(tuple(stats.values()))
    for plain in (UnitAlias, Column.responsible_units.through):
        parts.append(tuple(plain.objects.aggregate(n=Count("pk"), top=Max("pk")).values()))
    return tuple(parts)


class _Planner:
    """Decides every write of the import without writing; collects every error.

    Units not yet created get negative ids, so that the rest of the file can name them;
    the writer replaces them with the real ones. Sites and columns alike.
    """

    def __init__(self, report: ImportReport, scope: str | None, errors: RowErrors) -> None:
        self.report = report
        # Starts with the file's own errors, so that one message lists everything wrong.
        self.errors = errors
        self.index = UnitIndex.load()
        self.writes = _Writes()
        self.planned = 0
        self.site_ids: dict[str, int] = {}  # site code -> id of the sites of the file
        self.scope: int | None = None
        if scope:
            try:
                self.scope = self.index.resolve(scope)
            except UnitLookupError as exc:
                raise RegistryImportError([f"--scope：{exc}"]) from exc

    def run(self, tables: dict[str, _Table]) -> None:
        steps: list[tuple[str, Callable[[_Table], None]]] = [
            ("units", self._units),
            ("sites", self._sites),
            ("columns", self._columns),
            ("accounts", self._accounts),
        ]
        done: set[str] = set()
        for entity, step in steps:
            if entity not in tables:
                continue
            step(tables[entity])
            done.add(tables[entity].sheet)
            if done & self.errors.sheets.keys():
                # Later sheets name what earlier ones define; stop after the first bad sheet
                # so that one mistake is not reported again as dozens of unknown names.
                raise RegistryImportError(self.errors)
        if self.errors:  # errors in sheets that could not be recognised at all
            raise RegistryImportError(self.errors)

    def _new_id(self) -> int:
        self.planned -= 1
        return self.planned

    def _unit(self, table: _Table, rec: _Rec, key: str, name: Value = None) -> int | None:
        """The unit ``name`` (default: the row's cell ``key``) names, or None and an error."""
        name = name or table.get(rec, key)
        if not name or not isinstance(name, str):
            return None
        try:
            suggest = len(self.errors.listed) < SUGGESTED
            return self.index.resolve(name, self.scope, suggest=suggest)
        except UnitLookupError as exc:
            table.error(self.errors, rec, key, str(exc))
            return None

    def _shown(self, unit_id: int | None) -> str | None:
        return self.index.display.get(unit_id) if unit_id else None

    # -- units -------------------------------------------------------------------------
    def _units(self, table: _Table) -> None:
        index, errors = self.index, self.errors
        # The unit each row means: the one of that name, else the one that has it as an
        # alias (renamed in a 机构改革: same unit, new name), else a new one.
        planned: list[tuple[_Rec, int]] = []
        row_of: dict[int, int] = {}
        new_by_key: dict[str, int] = {}
        for rec in table.records:
            if not rec.ok:
                continue
            key = normalize_name(table.text(rec, "name"))
            unit_id = index.names.get(key)
            if unit_id is None:
                hits = {u for _, u in index.aliases.get(key, [])}
                unit_id = hits.pop() if len(hits) == 1 else None
            if unit_id is None:
                unit_id = new_by_key.get(key) or new_by_key.setdefault(key, self._new_id())
            if unit_id in row_of:
                table.error(errors, rec, "name", f"与第{row_of[unit_id]}行是同一单位")
                continue
            row_of[unit_id] = rec.number
            planned.append((rec, unit_id))
        del new_by_key
        for rec, unit_id in planned:
            parent = index.parent.get(unit_id) if unit_id > 0 else None
            index.add_unit(unit_id, table.text(rec, "name"), parent, table.text(rec, "kind"))
        # Parents are resolved once every unit of the sheet is known, so order is free.
        parents: list[int | None] = []
        for rec, unit_id in planned:
            parent_id = self._unit(table, rec, "parent")
            if parent_id is not None and unit_id in index.chain(parent_id):
                table.error(errors, rec, "parent", "上级关系形成循环")
                parent_id = None
            index.parent[unit_id] = parent_id
            parents.append(parent_id)
        # A unit's aliases are scoped to its region, known once every parent is.
        scopes = [index.region_of(unit_id) for _, unit_id in planned]
        self._check_aliases(table, planned, scopes)
        if table.sheet in errors.sheets:
            return
        # The new units stay rows of the sheet: 200,000 are not copied into tuples.
        self.writes.units = _UnitPlan(table, planned, parents, scopes)
        for start in range(0, len(planned), BATCH):
            part = planned[start : start + BATCH]
            stored, stored_aliases = self._stored_units([u for _, u in part if u > 0])
            for (rec, unit_id), parent_id, scope in zip(
                part, parents[start : start + BATCH], scopes[start : start + BATCH], strict=True
            ):
                aliases = table.items(rec, "aliases")
                if unit_id < 0:
                    self.report.note("units", table.text(rec, "name"), None, {})
                    continue
                old = stored.get(unit_id)
                if old is None:
                    raise _RegistryChanged  # deleted since the index was read
                values = _unit_values(table, rec, parent_id)
                old_pairs = stored_aliases.get(unit_id, set())
                new_pairs = {(alias, scope) for alias in aliases}
                changed = [at for at, (a, b) in enumerate(zip(old, values, strict=True)) if a != b]
                if changed:
                    self.writes.update(Unit, UNIT_FIELDS, changed, values, unit_id)
                if new_pairs != old_pairs:
                    self.writes.units.replaced.add(unit_id)
                if not changed and new_pairs == old_pairs:
                    self.report.same("units")
                    continue
                regional = bool(old_pairs and new_pairs)
                self.report.note(
                    "units",
                    values[0],
                    self._unit_state(old, old_pairs, regional),
                    self._unit_state(values, new_pairs, regional),
                )
        self._reindex_aliases(self.writes.units)

    def _stored_units(
        self, ids: list[int]
    ) -> tuple[dict[int, tuple[Any, ...]], dict[int, set[tuple[str, int]]]]:
        if not ids:
            return {}, {}
        rows = Unit.objects.filter(pk__in=ids).values_list("pk", *UNIT_FIELDS)
        stored = {row[0]: tuple(row[1:]) for row in rows}
        aliases: dict[int, set[tuple[str, int]]] = {}
        pairs = UnitAlias.objects.filter(unit_id__in=ids).values_list("unit_id", "alias", "scope")
        for unit_id, alias, scope_id in pairs:
            aliases.setdefault(unit_id, set()).add((alias, scope_id))
        return stored, aliases

    def _unit_state(
        self, values: Sequence[Any], pairs: set[tuple[str, int]], regional: bool
    ) -> dict[str, Any]:
        name, _, parent, level, kind, contact, phone, email = values
        state: dict[str, Any] = {
            "单位名称": name,
            "别名": sorted({alias for alias, _ in pairs}),
            "上级单位": self._shown(parent),
            "层级": level,
            "单位类型": kind,
            "联系人": contact,
            "联系电话": phone,
            "电子邮箱": email,
        }
        if regional:  # shows a change of region alone (a new parent, or kind 政府)
            state["别名适用地区"] = "、".join(sorted({self._shown(s) or "" for _, s in pairs}))
        return state

    def _check_aliases(
        self, table: _Table, planned: list[tuple[_Rec, int]], scopes: list[int]
    ) -> None:
        index = self.index
        in_file = {unit_id for _, unit_id in planned}
        taken: dict[tuple[str, int], int] = {}
        for key, entries in index.aliases.items():
            for scope, unit_id in entries:
                if unit_id not in in_file:
                    taken[(key, scope)] = unit_id
        for (rec, unit_id), scope in zip(planned, scopes, strict=True):
            for alias in table.items(rec, "aliases"):
                key = normalize_name(alias)
                other = index.names.get(key)
                if other is not None and other != unit_id:
                    table.error(self.errors, rec, "aliases", f"别名「{alias}」是另一个单位的名称")
                    continue
                holder = taken.get((key, scope))
                if holder is not None and holder != unit_id:
                    region, owner = index.display[scope], index.display[holder]
                    table.error(
                        self.errors, rec, "aliases", f"别名「{alias}」在{region}范围内已属于{owner}"
                    )
                taken[(key, scope)] = unit_id

    def _reindex_aliases(self, plan: _UnitPlan) -> None:
        """The index as the registry will be: later sheets resolve the new aliases only."""
        aliases = self.index.aliases
        if plan.replaced:
            for key in list(aliases):
                kept = [entry for entry in aliases[key] if entry[1] not in plan.replaced]
                if kept:
                    aliases[key] = kept
                else:
                    del aliases[key]
        for unit_id, scope, names in plan.aliased():
            for key in {normalize_name(alias) for alias in names}:
                aliases.setdefault(key, []).append((scope, unit_id))

    # -- sites and accounts ------------------------------------------------------------
    def _sites(self, table: _Table) -> None:
        def stored(recs: Sequence[_Rec]) -> dict[str, tuple[Any, ...]]:
            codes = [str(table.get(rec, "site_code")) for rec in recs]
            rows = Site.objects.filter(site_code__in=codes).values_list(
                "site_code", "pk", *SITE_FIELDS
            )
            return {row[0]: tuple(row[1:]) for row in rows}

        def keys(rec: _Rec) -> list[str]:
            return [str(table.get(rec, "site_code"))]

        self._upsert(table, Site, SITE_FIELDS, stored, keys)

    def _accounts(self, table: _Table) -> None:
        at = {name: 1 + i for i, name in enumerate(ACCOUNT_FIELDS)}  # in (pk, *fields)

        def stored(recs: Sequence[_Rec]) -> dict[str, tuple[Any, ...]]:
            ids = {table.text(rec, "platform_id") for rec in recs} - {""}
            names = {table.text(rec, "name") for rec in recs}
            found: dict[str, tuple[Any, ...]] = {}
            for query in (
                Account.objects.filter(platform_id__in=ids) if ids else Account.objects.none(),
                Account.objects.filter(platform_id="", name__in=names),
            ):
                for row in query.values_list("pk", *ACCOUNT_FIELDS):
                    key = _account_key(row[at["platform"]], row[at["platform_id"]], row[at["name"]])
                    found[key] = tuple(row)
            return found

        def keys(rec: _Rec) -> list[str]:
            platform, name = table.text(rec, "platform"), table.text(rec, "name")
            # An account first registered by name keeps its row once its id is known.
            first = _account_key(platform, table.text(rec, "platform_id"), name)
            return [first, _account_key(platform, "", name)]

        self._upsert(table, Account, ACCOUNT_FIELDS, stored, keys)

    def _upsert(
        self,
        table: _Table,
        model: type[models.Model],
        fields: tuple[str, ...],
        stored_of: Callable[[Sequence[_Rec]], dict[str, tuple[Any, ...]]],
        keys_of: Callable[[_Rec], list[str]],
    ) -> None:
        entity = table.spec.entity
        refs = UNIT_REFS[entity]
        claimed: dict[int, int] = {}  # stored row -> the file's row that updates it
        for part in _chunks(table.records):
            stored = stored_of([rec for rec in part if rec.ok])
            for rec in part:
                was_ok = rec.ok
                # Rows with format errors are not written, but their unit names are still
                # checked so that one message lists everything wrong with the file.
                units = {name: self._unit(table, rec, source) for name, source in refs.items()}
                if not was_ok:
                    continue
                values = tuple(
                    units[name] if name in refs else _stored_form(table.get(rec, name))
                    for name in fields
                )
                keys = keys_of(rec)
                hit = next((stored[k] for k in keys if k in stored), None)
                if hit is None:
                    new_id = self._new_id()
                    if entity == "sites":
                        self.site_ids[keys[0]] = new_id
                    # A new site keeps its code: columns of the file find it by that.
                    key = (keys[0],) if entity == "sites" else ()
                    self.writes.creates[model].append((new_id, *key, *values))
                    self.report.note(entity, keys[0], None, {})
                    continue
                pk, old = hit[0], hit[1:]
                if pk in claimed:
                    reason = f"与第{claimed[pk]}行是同一{table.spec.sheet}"
                    table.error(self.errors, rec, "name", reason)
                    continue
                claimed[pk] = rec.number
                if entity == "sites":
                    self.site_ids[keys[0]] = pk
                changed = [at for at, (a, b) in enumerate(zip(old, values, strict=True)) if a != b]
                if not changed:
                    self.report.same(entity)
                    continue
                self.writes.update(model, fields, changed, values, pk)
                self.report.note(
                    entity,
                    keys[0],
                    self._readable(dict(zip(fields, old, strict=True))),
                    self._readable(dict(zip(fields, values, strict=True))),
                )

    def _readable(self, state: dict[str, Any]) -> dict[str, Any]:
        return {k: (self._shown(v) if k.endswith("unit_id") else v) for k, v in state.items()}

    # -- columns -----------------------------------------------------------------------
    def _columns(self, table: _Table) -> None:
        through = Column.responsible_units.through
        for part in _chunks([rec for rec in table.records if rec.ok]):
            codes = {str(table.get(rec, "site_code")) for rec in part}
            site_of = {code: self.site_ids[code] for code in codes if code in self.site_ids}
            missing = codes - site_of.keys()
            if missing:
                site_of.update(
                    Site.objects.filter(site_code__in=missing).values_list("site_code", "pk")
                )
            known = [sid for sid in site_of.values() if sid > 0]
            stored: dict[tuple[int, str], tuple[Any, ...]] = {}
            if known:
                names = {table.text(rec, "name") for rec in part}
                rows = Column.objects.filter(site_id__in=known, name__in=names).values_list(
                    "site_id", "name", "pk", *COLUMN_FIELDS
                )
                stored = {(row[0], row[1]): tuple(row[2:]) for row in rows}
            linked: dict[int, set[int]] = {}
            ids = [row[0] for row in stored.values()]
            for column_id, unit_id in through.objects.filter(column_id__in=ids).values_list(
                "column_id", "unit_id"
            ):
                linked.setdefault(column_id, set()).add(unit_id)
            for rec in part:
                self._column(table, rec, site_of, stored, linked)

    def _column(
        self,
        table: _Table,
        rec: _Rec,
        site_of: dict[str, int],
        stored: dict[tuple[int, str], tuple[Any, ...]],
        linked: dict[int, set[int]],
    ) -> None:
        code, name = str(table.get(rec, "site_code")), table.text(rec, "name")
        site_id = site_of.get(code)
        if site_id is None:
            table.error(self.errors, rec, "site_code", f"未登记的网站标识码「{code}」")
            return
        units: set[int] = set()
        for unit_name in table.items(rec, "responsible_units"):
            unit_id = self._unit(table, rec, "responsible_units", unit_name)
            if unit_id is not None:
                units.add(unit_id)
        values = tuple(table.get(rec, key) for key in COLUMN_FIELDS)
        label = f"{code}/{name}"
        hit = stored.get((site_id, name))
        if hit is None:
            new_id = self._new_id()
            self.writes.creates[Column].append((new_id, site_id, name, *values))
            self.writes.link_creates.extend((new_id, unit_id) for unit_id in sorted(units))
            self.report.note("columns", label, None, {})
            return
        pk, old = hit[0], hit[1:]
        old_units = linked.get(pk, set())
        changed = [at for at, (a, b) in enumerate(zip(old, values, strict=True)) if a != b]
        if changed:
            self.writes.update(Column, COLUMN_FIELDS, changed, values, pk)
        if units != old_units:
            self.writes.link_deletes.append(pk)
            self.writes.link_creates.extend((pk, unit_id) for unit_id in sorted(units))
        if not changed and units == old_units:
            self.report.same("columns")
            return
        old_state: dict[str, Any] = dict(zip(COLUMN_FIELDS, old, strict=True))
        new_state: dict[str, Any] = dict(zip(COLUMN_FIELDS, values, strict=True))
        old_state["保障单位"] = sorted(self.index.display[u] for u in old_units)
        new_state["保障单位"] = sorted(self.index.display[u] for u in units)
        self.report.note("columns", label, old_state, new_state)


def _unit_values(table: _Table, rec: _Rec, parent_id: int | None) -> tuple[Any, ...]:
    """The UNIT_FIELDS of one row of the 单位 sheet."""
    name = table.text(rec, "name")
    return (
        name, normalize_name(name), parent_id, table.text(rec, "level"), table.text(rec, "kind"),
        table.text(rec, "contact_person"), table.text(rec, "phone"), table.text(rec, "email"),
    )  # fmt: skip


def _account_key(platform: str, platform_id: str, name: str) -> str:
    return f"{platform}|id|{platform_id}" if platform_id else f"{platform}|name|{name}"


def _stored_form(value: Value) -> Any:
    """A cell's value as the database returns it: lists (JSON) rather than tuples."""
    return list(value) if isinstance(value, tuple) else value


# -- 3. write --------------------------------------------------------------------------


@dataclass
class _UnitPlan:
    """The rows of the 单位 sheet, each with its unit (negative: new), parent and region."""

    table: _Table
    planned: list[tuple[_Rec, int]]
    parents: list[int | None]
    scopes: list[int]
    replaced: set[int] = field(default_factory=set)  # stored units getting new aliases

    def created(self) -> Iterator[tuple[int, int | None, _Rec]]:
        for (rec, unit_id), parent_id in zip(self.planned, self.parents, strict=True):
            if unit_id < 0:
                yield unit_id, parent_id, rec

    def aliased(self) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """(unit, region, aliases) of the units whose aliases are written."""
        for (rec, unit_id), scope in zip(self.planned, self.scopes, strict=True):
            if unit_id < 0 or unit_id in self.replaced:
                aliases = self.table.items(rec, "aliases")
                if aliases:
                    yield unit_id, scope, aliases


@dataclass
class _Writes:
    """Every write of one import, ids of rows not yet created negative."""

    units: _UnitPlan | None = None
    # Site: (planned id, site code, *SITE_FIELDS); Column: (planned id, site, name, *COLUMN_FIELDS);
    # Account: (planned id, *ACCOUNT_FIELDS).
    creates: dict[type[models.Model], list[tuple[Any, ...]]] = field(
        default_factory=lambda: {Site: [], Column: [], Account: []}
    )
    # model -> the changed fields -> rows of (their new values..., pk)
    updates: dict[type[models.Model], dict[tuple[str, ...], list[list[Any]]]] = field(
        default_factory=dict
    )
    link_deletes: list[int] = field(default_factory=list)  # columns whose units are replaced
    link_creates: list[tuple[int, int]] = field(default_factory=list)  # (column, unit)

    def update(
        self,
        model: type[models.Model],
        fields: tuple[str, ...],
        changed: list[int],
        values: tuple[Any, ...],
        pk: int,
    ) -> None:
        """Only the changed fields of one row, grouped with the rows changing the same ones."""
        names = tuple(fields[at] for at in changed)
        rows = self.updates.setdefault(model, {}).setdefault(names, [])
        rows.append([*(values[at] for at in changed), pk])

    def nothing(self) -> bool:
        units = self.units
        return (
            (units is None or (not units.replaced and all(u > 0 for _, u in units.planned)))
            and not any(self.creates.values())
            and not self.updates
            and not self.link_deletes
            and not self.link_creates
        )

    def apply(self, seen: tuple[object, ...]) -> float:
        """Write everything in one transaction; its duration in seconds (0: nothing to
        write, no transaction)."""
        if self.nothing():
            return 0.0
        start = time.perf_counter()
        with transaction.atomic():
            if _fingerprint() != seen:
                raise _RegistryChanged
            self._write()
        return time.perf_counter() - start

    def _write(self) -> None:
        units: dict[int, int] = {}  # planned unit id -> id

        def unit(value: int | None) -> int | None:
            return units[value] if value is not None and value < 0 else value

        if self.units is not None:
            self._write_units(units)
        self._update(Unit, {"parent_id": unit})

        sites: dict[int, int] = {}
        refs = {"operating_unit_id": unit, "supervising_unit_id": unit}
        # A planned site is (planned id, site code, *SITE_FIELDS).
        op = 1 + SITE_FIELDS.index("operating_unit_id")
        sup = 1 + SITE_FIELDS.index("supervising_unit_id")
        for part in _chunks(self.creates[Site]):
            rows = [[*s[1:]] for s in part]
            for row in rows:
                row[op], row[sup] = unit(row[op]), unit(row[sup])
            _insert(Site, ("site_code", *SITE_FIELDS), rows)
            codes = [s[1] for s in part]
            found = dict(Site.objects.filter(site_code__in=codes).values_list("site_code", "pk"))
            sites.update((s[0], found[s[1]]) for s in part)
        self._update(Site, refs)

        def site(value: int) -> int:
            return sites[value] if value < 0 else value

        columns: dict[int, int] = {}
        with_units = {column for column, _ in self.link_creates if column < 0}
        for part in _chunks(self.creates[Column]):
            column_rows = [(site(c[1]), *c[2:]) for c in part]
            _insert(Column, ("site_id", "name", *COLUMN_FIELDS), column_rows)
            wanted = [(c[0], site(c[1]), c[2]) for c in part if c[0] in with_units]
            if wanted:
                found = {
                    (s, n): pk
                    for s, n, pk in Column.objects.filter(
                        site_id__in={s for _, s, _ in wanted}, name__in={n for _, _, n in wanted}
                    ).values_list("site_id", "name", "pk")
                }
                columns.update((c, found[(s, n)]) for c, s, n in wanted)
        self._update(Column, {})
        through = Column.responsible_units.through
        for part in _chunks(self.link_deletes):
            through.objects.filter(column_id__in=part).delete()
        for part in _chunks(self.link_creates):
            link_rows = [(columns[c] if c < 0 else c, unit(u)) for c, u in part]
            _insert(through, ("column_id", "unit_id"), link_rows)

        op = ACCOUNT_FIELDS.index("opening_unit_id")
        sup = ACCOUNT_FIELDS.index("supervising_unit_id")
        for part in _chunks(self.creates[Account]):
            rows = [[*a[1:]] for a in part]
            for row in rows:
                row[op], row[sup] = unit(row[op]), unit(row[sup])
            _insert(Account, ACCOUNT_FIELDS, rows)
        self._update(Account, {"opening_unit_id": unit, "supervising_unit_id": unit})

    def _write_units(self, units: dict[int, int]) -> None:
        """The new units, parents first (each row is inserted with its parent's id), then the
        aliases; ``units`` receives the id of each planned unit."""
        assert self.units is not None
        table = self.units.table

        def unit(value: int | None) -> int | None:
            return units[value] if value is not None and value < 0 else value

        def insert(part: list[tuple[int, int | None, _Rec]]) -> None:
            rows = [_unit_values(table, rec, unit(parent)) for _, parent, rec in part]
            _insert(Unit, UNIT_FIELDS, rows)
            keys = [row[1] for row in rows]
            found = dict(Unit.objects.filter(name_key__in=keys).values_list("name_key", "pk"))
            units.update((u[0], found[key]) for u, key in zip(part, keys, strict=True))

        waiting = True
        while waiting:  # one pass per generation of new units under new units
            waiting = inserted = False
            part: list[tuple[int, int | None, _Rec]] = []
            for planned in self.units.created():
                unit_id, parent_id = planned[0], planned[1]
                if unit_id in units:
                    continue
                if parent_id is not None and parent_id < 0 and parent_id not in units:
                    waiting = True
                    continue
                part.append(planned)
                if len(part) == BATCH:
                    insert(part)
                    part, inserted = [], True
            if part:
                insert(part)
                inserted = True
            if waiting and not inserted:
                raise RuntimeError("planned units form a cycle")  # refused while planning
        for chunk in _chunks(sorted(self.units.replaced)):
            UnitAlias.objects.filter(unit_id__in=chunk).delete()
        part_aliases: list[tuple[str, str, int | None, int | None]] = []
        for unit_id, scope, aliases in self.units.aliased():
            for alias in sorted(set(aliases)):
                part_aliases.append((alias, normalize_name(alias), unit(unit_id), unit(scope)))
            if len(part_aliases) >= BATCH:
                _insert(UnitAlias, ("alias", "alias_key", "unit_id", "scope_id"), part_aliases)
                part_aliases = []
        _insert(UnitAlias, ("alias", "alias_key", "unit_id", "scope_id"), part_aliases)

    def _update(self, model: type[models.Model], refs: Mapping[str, Callable[[Any], Any]]) -> None:
        for names, rows in self.updates.get(model, {}).items():
            for at, name in enumerate(names):
                if name in refs:
                    for row in rows:
                        row[at] = refs[name](row[at])
            for part in _chunks(rows):
                _update(model, names, part)


def _prepper(model: type[models.Model], name: str) -> Callable[[Any], Any] | None:
    """How a value of field ``name`` becomes a query parameter (None: as it is)."""
    model_field = model._meta.get_field(name)
    plain = (models.CharField, models.BooleanField, models.IntegerField, models.ForeignKey)
    if isinstance(model_field, plain):
        return None
    return lambda value: model_field.get_db_prep_save(value, connection)


def _insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT ``rows`` (values of the fields ``names``) with one executemany; the model's
    other columns take their defaults (created_at and updated_at: now)."""
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    now = timezone.now()
    others: list[Any] = []
    other_values: list[Any] = []
    for model_field in meta.concrete_fields:
        if model_field.primary_key or model_field in given:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = now
        elif model_field.has_default():
            value = model_field.get_default()
        else:
            value = None
        others.append(model_field)
        other_values.append(model_field.get_db_prep_save(value, connection))
    preps = [_prepper(model, name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *others])
    marks = ", ".join(["%s"] * (len(given) + len(others)))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    params = [
        [
            *(
                value if prep is None else prep(value)
                for value, prep in zip(row, preps, strict=True)
            ),
            *other_values,
        ]
        for row in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _update(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE the fields ``names`` (and updated_at) of rows given as (values..., pk)."""
    meta = model._meta
    quote = connection.ops.quote_name
    stamp = meta.get_field("updated_at")
    now = stamp.get_db_prep_save(timezone.now(), connection)
    columns = [quote(meta.get_field(name).column) for name in names]
    sets = ", ".join(f"{column} = %s" for column in [*columns, quote(stamp.column)])
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"
    preps = [_prepper(model, name) for name in names]
    params = [
        [
            *(v if prep is None else prep(v) for v, prep in zip(row[:-1], preps, strict=True)),
            now,
            row[-1],
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
