"""Read-only queries that turn stored batches into the engine's records and value objects."""

from __future__ import annotations

from govwatch.engine.reports import submission as S
from govwatch.engine.reports.records import Record
from govwatch.web.statistics.importing import SCHEMAS, decode, unit_field
from govwatch.web.statistics.models import (
    KIND_LABELS,
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)


def batch_get(kind: str, period: str) -> StatisticsBatch | None:
    return StatisticsBatch.objects.filter(kind=kind, period=period).select_related("scope").first()


def batches_of_period(period: str) -> list[StatisticsBatch]:
    """A period's batches in the order of StatisticsKind (the order of a workbook's sheets)."""
    order = {kind: at for at, kind in enumerate(KIND_LABELS)}
    found = list(StatisticsBatch.objects.filter(period=period))
    return sorted(found, key=lambda b: order.get(b.kind, len(order)))


def batch_rows(batch: StatisticsBatch) -> list[StatisticsRow]:
    return list(batch.rows.order_by("row_number"))


def batch_records(batch: StatisticsBatch) -> list[Record]:
    """Records in file order, exactly the cells the schema validated at import."""
    schema = SCHEMAS[batch.kind]
    return [decode(schema, row.values) for row in batch_rows(batch)]


def unit_names_by_id(batch: StatisticsBatch) -> dict[int, list[str]]:
    """Registered unit id -> the names as written in the batch (quotas are kept per unit)."""
    key = unit_field(SCHEMAS[batch.kind])
    names: dict[int, list[str]] = {}
    if key is None:
        return names
    for row in batch_rows(batch):
        if row.unit_id is not None:
            names.setdefault(row.unit_id, []).append(str(row.values.get(key) or ""))
    return names


def engine_quota_classes(written: dict[int, list[str]]) -> list[S.QuotaClass]:
    """The admin's quota classes, with member units under the spellings the table uses."""
    members: dict[int, set[str]] = {}
    for assignment in QuotaAssignment.objects.all():
        names = written.get(assignment.unit_id, [])
        members.setdefault(assignment.quota_class_id, set()).update(names)
    return [
        S.QuotaClass(
            name=quota.name,
            units=frozenset(members.get(quota.pk, set())),
            min_submissions_per_month=quota.min_submissions_per_month,
            min_adoptions_per_month=quota.min_adoptions_per_month,
            news_briefs_count=quota.news_briefs_count,
        )
        for quota in QuotaClass.objects.order_by("name")
    ]


def engine_overrides(period: str, written: dict[int, list[str]]) -> dict[str, S.VerdictOverride]:
    overrides: dict[str, S.VerdictOverride] = {}
    for item in VerdictOverride.objects.filter(period=period):
        for name in written.get(item.unit_id, []):
            overrides[name] = S.VerdictOverride(item.qualified, item.reason)
    return overrides
