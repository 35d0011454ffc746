"""Resolving a unit name as people write it to one registered unit.

The whole index is held in memory (a registry has thousands of units, at most a few hundred
thousand: ~0.5 KB each) so that an import of 100,000 accounts resolves names without a query
per row. Unit ids may be negative: an import plans units it has not created yet that way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from govwatch.web.registry.models import Unit, UnitAlias, normalize_name

MAX_OPTIONS = 10  # units an ambiguity message names
CHUNK = 2000  # rows a query fetches at a time when loading


class UnitLookupError(Exception):
    """A name that resolves to no unit, or to several."""


@dataclass
class UnitIndex:
    names: dict[str, int] = field(default_factory=dict)  # name_key -> unit id
    display: dict[int, str] = field(default_factory=dict)  # unit id -> name
    parent: dict[int, int | None] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)
    # alias_key -> [(scope id, unit id)]
    aliases: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> UnitIndex:
        index = cls()
        kinds: dict[str, str] = {}  # one string per kind, not one per unit
        # Streamed in chunks: no list of every row beside the index.
        units = Unit.objects.values_list("id", "name", "parent_id", "kind")
        for unit_id, name, parent_id, kind in units.iterator(chunk_size=CHUNK):
            index.add_unit(unit_id, name, parent_id, kinds.setdefault(kind, kind))
        aliases = UnitAlias.objects.values_list("alias_key", "scope_id", "unit_id")
        for alias_key, scope_id, unit_id in aliases.iterator(chunk_size=CHUNK):
            index.aliases.setdefault(alias_key, []).append((scope_id, unit_id))
        return index

    def add_unit(self, unit_id: int, name: str, parent_id: int | None, kind: str) -> None:
        key = normalize_name(name)
        # Most names are their own key: keep one string, not two (200,000 units: ~20 MB).
        self.names[name if key == name else key] = unit_id
        self.display[unit_id] = name
        self.parent[unit_id] = parent_id
        self.kind[unit_id] = kind

    def chain(self, unit_id: int) -> list[int]:
        """The unit and its ancestors, nearest first (cycles cut, they are errors elsewhere)."""
        seen: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.append(current)
            current = self.parent.get(current)
        return seen

    def region_of(self, unit_id: int) -> int:
        """The scope of the unit's aliases: nearest government ancestor-or-self, else itself."""
        for ancestor in self.chain(unit_id):
            if self.kind.get(ancestor) == "government":
                return ancestor
        return unit_id

    def resolve(self, name: str, scope: int | None = None, *, suggest: bool = True) -> int:
        """The unit NAME means; UnitLookupError when none or several do.

        ``suggest=False`` leaves the closest names out of the message: finding them compares
        the name with every unit and alias, too slow for errors nobody will read.
        """
        key = normalize_name(name)
        if key in self.names:
            return self.names[key]
        candidates = self.aliases.get(key, [])
        if candidates and scope is not None:
            chain = self.chain(scope)
            for ancestor in chain:
                hits = {unit for s, unit in candidates if s == ancestor}
                if len(hits) == 1:
                    return hits.pop()
            below = {unit for s, unit in candidates if scope in self.chain(s)}
            if len(below) == 1:
                return below.pop()
        units = {unit for _, unit in candidates}
        if len(units) == 1:
            return units.pop()
        if len(units) > 1:
            # 市公安局 is an alias in every city: name a few, not thousands.
            shown = sorted(units)[:MAX_OPTIONS]
            options = "、".join(
                f"{self.display[u]}（{self.display[self.region_of(u)]}）" for u in shown
            )
            if len(units) > len(shown):
                options += f"等 {len(units)} 个单位"
            raise UnitLookupError(f"单位「{name}」有歧义，可能是：{options}；请填写单位全称")
        if not suggest:
            raise UnitLookupError(f"未登记的单位「{name}」")
        raise UnitLookupError(self._not_found(name, key))

    def _not_found(self, name: str, key: str) -> str:
        pool = list(self.names) + list(self.aliases)
        close = difflib.get_close_matches(key, pool, n=3, cutoff=0.5)
        suggestions: list[str] = []
        for match in close:
            if match in self.names:
                label = self.display[self.names[match]]
            else:
                units = {u for _, u in self.aliases[match]}
                label = match + "（" + "、".join(self.display[u] for u in sorted(units)) + "）"
            if label not in suggestions:
                suggestions.append(label)
        message = f"未登记的单位「{name}」"
        if suggestions:
            message += "，是否指：" + "、".join(suggestions)
        return message
