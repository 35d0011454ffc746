"""A supervisor imports the registry of its own region only.

registry_import resolves short names within a region (the CLI's --scope) but writes
wherever the file points. A supervisor's import therefore runs the real writer inside a
transaction and then looks at what it touched: every unit, site, account, column, alias and
column link it created or changed must be inside the region, before and after. Anything
outside rolls the whole import back, so the file stays all or nothing. A dry run is the
same run, always rolled back: it shows exactly what applying would do, the region check
included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias
from govwatch.web.registry.services import RegistryImportError, registry_import
from govwatch.web.users.selectors import units_below

# Names listed in a refusal; the rest are counted.
LISTED = 20


class _DryRunDone(Exception):
    """Leaves the transaction of a dry run, which always rolls back."""

    def __init__(self, report: Any) -> None:
        super().__init__("dry run")
        self.report = report


@dataclass(frozen=True)
class _Before:
    at: Any
    top: dict[str, int]
    units: frozenset[int]
    sites: frozenset[int]
    accounts: frozenset[int]
    root_parent: int | None
    outside_aliases: int
    outside_links: int


def _top(model: Any) -> int:
    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0)


def _outside_aliases(units: frozenset[int], top: int | None = None) -> int:
    """Aliases of units outside UNITS (up to row TOP: a fall means some were deleted)."""
    rows = UnitAlias.objects.exclude(unit_id__in=units)
    return (rows.filter(pk__lte=top) if top is not None else rows).count()


def _outside_links(units: frozenset[int], top: int | None = None) -> int:
    through = Column.responsible_units.through
    rows = through.objects.exclude(column__site__operating_unit__in=units)
    return (rows.filter(pk__lte=top) if top is not None else rows).count()


def _before(region: Unit) -> _Before:
    units = units_below(region.pk)
    through = Column.responsible_units.through
    return _Before(
        at=timezone.now(),
        top={
            "unit": _top(Unit),
            "site": _top(Site),
            "account": _top(Account),
            "column": _top(Column),
            "alias": _top(UnitAlias),
            "link": _top(through),
        },
        units=units,
        sites=frozenset(Site.objects.filter(operating_unit__in=units).values_list("pk", flat=True)),
        accounts=frozenset(
            Account.objects.filter(opening_unit__in=units).values_list("pk", flat=True)
        ),
        root_parent=region.parent_id,
        outside_aliases=_outside_aliases(units),
        outside_links=_outside_links(units),
    )


def _touched(model: Any, before: _Before, key: str) -> Any:
    return model.objects.filter(Q(pk__gt=before.top[key]) | Q(updated_at__gte=before.at))


def _outside(region: Unit, before: _Before) -> list[str]:
    """What the import touched outside REGION, in Chinese, one line each."""
    after = units_below(region.pk)
    where = f"本地区（{region.name}）"
    lines: list[str] = []

    def inside(pk: int, now_in: bool, was_in: set[int] | frozenset[int], key: str) -> bool:
        return now_in and (pk > before.top[key] or pk in was_in)

    for pk, name, parent in _touched(Unit, before, "unit").values_list("pk", "name", "parent_id"):
        if pk == region.pk and parent != before.root_parent:
            lines.append(f"单位「{name}」：不能修改本地区单位自身的上级单位")
        elif not inside(pk, pk in after, before.units, "unit"):
            lines.append(f"单位「{name}」不在{where}范围内")
    for alias, unit_name, unit_id in UnitAlias.objects.filter(
        pk__gt=before.top["alias"]
    ).values_list("alias", "unit__name", "unit_id"):
        if not inside(unit_id, unit_id in after, before.units, "unit"):
            lines.append(f"单位「{unit_name}」的别名「{alias}」：该单位不在{where}范围内")
    for pk, code, name, unit in _touched(Site, before, "site").values_list(
        "pk", "site_code", "name", "operating_unit_id"
    ):
        if not inside(pk, unit in after, before.sites, "site"):
            lines.append(f"网站「{code} {name}」的主办单位不在{where}范围内")
    for pk, name, unit in _touched(Account, before, "account").values_list(
        "pk", "name", "opening_unit_id"
    ):
        if not inside(pk, unit in after, before.accounts, "account"):
            lines.append(f"账号「{name}」的开设主体不在{where}范围内")
    through = Column.responsible_units.through
    new_links = through.objects.filter(pk__gt=before.top["link"]).values_list("column_id")
    columns = Column.objects.filter(
        Q(pk__gt=before.top["column"]) | Q(updated_at__gte=before.at) | Q(pk__in=new_links)
    ).values_list("name", "site__site_code", "site__operating_unit_id")
    for name, code, unit in columns:
        if unit not in after:
            lines.append(f"栏目「{code}/{name}」所属网站不在{where}范围内")
    # New rows were judged one by one above; here, rows of outside units that went away.
    if _outside_aliases(before.units, before.top["alias"]) != before.outside_aliases:
        lines.append(f"文件修改了{where}以外单位的别名")
    if _outside_links(before.units, before.top["link"]) != before.outside_links:
        lines.append(f"文件修改了{where}以外网站栏目的保障单位")
    if len(lines) > LISTED:
        lines = [*lines[:LISTED], f"另有 {len(lines) - LISTED} 处超出范围未列出"]
    return lines


def registry_import_in_region(path: Path, *, dry_run: bool, region: Unit | None) -> Any:
    """registry_import of PATH; with a REGION, short names resolve there and nothing outside
    it may change (RegistryImportError lists what would have). Returns the ImportReport."""
    if region is None:
        return registry_import(path, dry_run=dry_run)
    before = _before(region)
    try:
        with transaction.atomic():
            report = registry_import(path, dry_run=False, scope=region.name)
            outside = _outside(region, before)
            if outside:
                raise RegistryImportError(
                    ["文件涉及本地区以外的登记数据，未导入任何数据：", *outside]
                )
            if dry_run:
                raise _DryRunDone(report)
    except _DryRunDone as done:
        done.report.dry_run = True
        done.report.write_seconds = 0.0
        return done.report
    return report
