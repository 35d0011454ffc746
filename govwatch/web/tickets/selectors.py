"""Read-only queries over problem lists: completion (办结) by region and by unit, the
previous period's rectification, and the problems sent again.

Rows are records of the engine's ticket_completion schema (004 附件3), so a bulletin and
any other table print them with the engine's own builders. Items count, not lists: 004's
"转办的问题清单404个" is its annex's 问题总数. An item is 办结 when its state is in DONE
(closed, or an accepted appeal); a site or column item counts as 政府网站, an account
item as 政务新媒体. A list belongs to its unit's region (the unit's nearest government
ancestor-or-self, as pass rates group), so groups such as 省直单位 are whatever the
registry tree makes them.

``period`` is an Inspection (the lists of its period), a period label (2024Q3), or None
(every list); ``scope`` a users.selectors.Scope filtering through problem_lists_visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from govwatch.engine.profiles import RateFormat, format_rate
from govwatch.engine.profiles.rates import percent
from govwatch.engine.reports.records import Cell, count, text
from govwatch.engine.reports.tables import TICKET_KEYS
from govwatch.web.config.engine import profile_load
from govwatch.web.inspections.models import Inspection
from govwatch.web.registry.services import UnitIndex
from govwatch.web.tickets.models import DONE, ProblemItem, ProblemList
from govwatch.web.users.selectors import Scope, problem_lists_visible

Period = Inspection | str | None
CompletionRow = dict[str, Cell]
NONE_SENT_ZH = "—"  # no item sent: a rate would be meaningless, not 0 %

COUNT_KEYS = TICKET_KEYS  # the ticket_completion counts, in the schema's order


def _lists(period: Period, scope: Scope | None) -> QuerySet[ProblemList]:
    lists = ProblemList.objects.all() if scope is None else problem_lists_visible(scope)
    if isinstance(period, Inspection):
        return lists.filter(period=period.period)
    return lists.filter(period=period) if period else lists


def completion_rate_format(period: Period = None) -> RateFormat:
    """办结率's format: the profile's completion_rate (else its default) of the inspection,
    or of the newest inspection that sent the period's lists, else the configured profile."""
    if isinstance(period, Inspection):
        name: str | None = period.profile
    elif period:
        name = (
            Inspection.objects.filter(problem_lists__period=period)
            .order_by("-created_at", "-pk")
            .values_list("profile", flat=True)
            .first()
        )
    else:
        name = None
    return profile_load(name).rate_format("completion_rate")


def completion_rate_text(closed: int, total: int, fmt: RateFormat) -> str:
    return format_rate(closed, total, fmt) if total else NONE_SENT_ZH


def _tally(lists: QuerySet[ProblemList]) -> dict[int, list[int]]:
    """unit id -> the COUNT_KEYS counts of its lists' items, counted by the database."""
    grouped = (
        ProblemItem.objects.filter(problem_list__in=lists)
        .order_by()  # the model's ordering would split the groups
        .values_list("problem_list__unit_id", "subject", "state")
        .annotate(n=Count("pk"))
    )
    tally: dict[int, list[int]] = {}
    for unit_id, subject, state, n in grouped:
        counts = tally.setdefault(unit_id, [0] * len(COUNT_KEYS))
        done = state in DONE
        part = 4 if subject == "account" else 2  # site and column items are the website's
        for at in (0, part):
            counts[at] += n
            counts[at + 1] += n if done else 0
    return tally


def _row(label: str, counts: list[int], fmt: RateFormat) -> CompletionRow:
    total, closed = counts[0], counts[1]
    return {
        "region_or_unit": label,
        # The schema's 整改率 column is a decimal percent; None when nothing was sent.
        "rectification_rate_pct_stated": (
            percent(closed, total, decimals=fmt.decimals, rounding=fmt.rounding) if total else None
        ),
        **dict(zip(COUNT_KEYS, counts, strict=True)),
        "completion_rate_zh": completion_rate_text(closed, total, fmt),
    }


def _merge(into: list[int], counts: Iterable[int]) -> None:
    for at, n in enumerate(counts):
        into[at] += n


def problem_completion_rows(
    period: Period = None, scope: Scope | None = None
) -> list[CompletionRow]:
    """问题清单办理情况 per region (004 附件3 rows, no 合计: the table adds it), in registry
    order: the table sorts by rate and keeps this order for ties, as the office's own."""
    tally = _tally(_lists(period, scope))
    if not tally:
        return []
    index = UnitIndex.load()
    regions: dict[int, list[int]] = {}
    for unit_id, counts in tally.items():
        _merge(regions.setdefault(index.region_of(unit_id), [0] * len(COUNT_KEYS)), counts)
    fmt = completion_rate_format(period)
    return [_row(index.display[region], regions[region], fmt) for region in sorted(regions)]


def problem_completion_by_unit(
    period: Period = None, scope: Scope | None = None
) -> list[CompletionRow]:
    """The same per responsible unit, grouped by region, both in registry order;
    ``region`` names the unit's group."""
    tally = _tally(_lists(period, scope))
    if not tally:
        return []
    index = UnitIndex.load()
    fmt = completion_rate_format(period)
    rows = []
    for unit_id in sorted(tally, key=lambda unit: (index.region_of(unit), unit)):
        row = _row(index.display[unit_id], tally[unit_id], fmt)
        row["region"] = index.display[index.region_of(unit_id)]
        rows.append(row)
    return rows


def completion_total(rows: Iterable[CompletionRow], fmt: RateFormat) -> CompletionRow:
    """The 合计 of some rows, as one more row."""
    counts = [0] * len(COUNT_KEYS)
    for row in rows:
        _merge(counts, (count(row, key) for key in COUNT_KEYS))
    return _row("合计", counts, fmt)


@dataclass(frozen=True)
class PreviousRectification:
    """上期问题整改情况: the previous period's lists as they stand now."""

    period: str
    inspection: Inspection  # the newest inspection that sent the period's lists
    sent: int
    closed: int
    rate_zh: str
    units: list[CompletionRow]  # problem_completion_by_unit of that period

    @property
    def still_open(self) -> int:
        return self.sent - self.closed

    @property
    def open_units(self) -> list[tuple[str, int]]:
        """(unit, items not yet 办结), most open first, for units that still owe some."""
        owing = [
            (text(r, "region_or_unit"), count(r, "tickets_total") - count(r, "tickets_closed"))
            for r in self.units
        ]
        return sorted(((u, n) for u, n in owing if n), key=lambda pair: -pair[1])


def previous_period(inspection: Inspection) -> str | None:
    """The latest period with problem lists that ended before INSPECTION's period began
    (chosen over every list, so a scope cannot make an older period look like the last)."""
    period: str | None = (
        ProblemList.objects.filter(inspection__period_end__lt=inspection.period_start)
        .order_by("-inspection__period_end", "-inspection__period_start", "-pk")
        .values_list("period", flat=True)
        .first()
    )
    return period


def previous_period_rectification(
    inspection: Inspection, scope: Scope | None = None
) -> PreviousRectification | None:
    """The previous period's lists: sent, closed, still open and by unit; None without any."""
    period = previous_period(inspection)
    if period is None:
        return None
    units = problem_completion_by_unit(period, scope)
    if not units:
        return None
    sent_by = (
        Inspection.objects.filter(problem_lists__period=period)
        .order_by("-created_at", "-pk")
        .first()
    )
    assert sent_by is not None
    fmt = completion_rate_format(sent_by)
    total = completion_total(units, fmt)
    return PreviousRectification(
        period=period,
        inspection=sent_by,
        sent=count(total, "tickets_total"),
        closed=count(total, "tickets_closed"),
        rate_zh=text(total, "completion_rate_zh"),
        units=units,
    )


def recurring_items(inspection: Inspection, scope: Scope | None = None) -> list[ProblemItem]:
    """Items of the inspection's period that earlier lists carried already (recurrence >= 1):
    what the bulletin calls 经多次通报依然未整改. Most repeated first."""
    return list(
        ProblemItem.objects.filter(problem_list__in=_lists(inspection, scope), recurrence__gte=1)
        .select_related("problem_list__unit", "site", "column", "account")
        .order_by("-recurrence", "problem_list__unit__name", "pk")
    )
