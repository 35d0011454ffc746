"""Statistics services: the only way other code (CLI, views, tasks) uses this app.

The tables, scores and checks are the engine's (govwatch.engine.reports); these functions
load the stored batches, the admin's quota classes and overrides, and call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from django.utils import timezone

from govwatch.engine.outputs import atomic_files
from govwatch.engine.periods import months_covered
from govwatch.engine.reports import disclosure, submission, tables
from govwatch.engine.reports.consistency import Inconsistency, check_all
from govwatch.engine.reports.records import Record
from govwatch.engine.reports.tables import Table
from govwatch.engine.reports.xlsx_writer import write_xlsx
from govwatch.web.statistics.importing import SCHEMAS, StatisticsImportError, statistics_import
from govwatch.web.statistics.models import KIND_LABELS, StatisticsBatch, StatisticsKind
from govwatch.web.statistics.selectors import (
    batch_get,
    batch_records,
    batches_of_period,
    engine_overrides,
    engine_quota_classes,
    unit_names_by_id,
)

K = StatisticsKind
LETTERS_TITLE = "留言信件回复统计表"


class StatisticsNotFound(LookupError):
    """No batch of that kind (or none at all) for the period; the message is Chinese."""


def _batch(kind: str, period: str) -> StatisticsBatch:
    if kind not in SCHEMAS:
        raise StatisticsNotFound(f"未知的统计类型「{kind}」，应为 {'、'.join(SCHEMAS)} 之一")
    batch = batch_get(kind, period)
    if batch is None:
        label = KIND_LABELS[kind]
        raise StatisticsNotFound(f"统计期「{period}」没有导入「{label}」（{kind}）")
    return batch


def submission_scores(period: str) -> list[submission.UnitScore]:
    """Points, rule verdict and the office's override for every unit of the period's table.

    Quota classes and overrides are kept per registered unit; the table's own spellings
    carry them to the engine, which matches by the names as written.
    """
    batch = _batch(K.SUBMISSIONS, period)
    written = unit_names_by_id(batch)
    return submission.score_units(
        batch_records(batch),
        engine_quota_classes(written),
        months=months_covered(batch.period_start, batch.period_end),
        overrides=engine_overrides(period, written),
    )


def commissioned_articles(period: str) -> list[submission.CommissionedArticle]:
    return submission.commissioned_articles(batch_records(_batch(K.COMMISSIONED_ARTICLES, period)))


def late_commissioned_articles(
    period: str, today: dt.date | None = None
) -> list[submission.CommissionedArticle]:
    """约稿 that arrived after their due date, or are still missing after it."""
    return submission.late_articles(commissioned_articles(period), today or timezone.localdate())


def _builders(today: dt.date) -> dict[str, Callable[[Sequence[Record]], Table]]:
    return {
        K.OFFICE_DOCUMENTS: tables.office_documents_table,
        K.APP_COLUMNS: tables.app_columns_table,
        K.WEBSITE_COLUMNS: tables.website_columns_table,
        K.PORTAL_SUBMISSIONS: tables.portal_submissions_table,
        K.LETTERS: lambda records: tables.letters_table(records, LETTERS_TITLE),
        K.COMMISSIONED_ARTICLES: lambda records: submission.commissioned_table(
            submission.commissioned_articles(records), today
        ),
        K.DISCLOSURE_S2: disclosure.proactive_table,
        K.DISCLOSURE_S3: disclosure.applications_table,
        K.DISCLOSURE_S4: disclosure.review_litigation_table,
    }


def statistics_table(kind: str, period: str, *, today: dt.date | None = None) -> Table:
    """The annex table of KIND for PERIOD with its 合计/总计 row, built by the engine.

    ``today`` decides whether a missing 约稿 is already late (default: today's date).
    """
    if kind == K.SUBMISSIONS:
        return submission.submission_table(submission_scores(period))
    batch = _batch(kind, period)
    return _builders(today or timezone.localdate())[kind](batch_records(batch))


def disclosure_check(
    period: str, narrative: disclosure.DisclosureNarrative | None = None
) -> list[Inconsistency]:
    """The 勾稽关系 of sections 三 and 四, and section 一's figures when ``narrative`` is given.

    Every mismatch carries both numbers; nothing is corrected.
    """
    found: list[Inconsistency] = []
    s3 = batch_get(K.DISCLOSURE_S3, period)
    s4 = batch_get(K.DISCLOSURE_S4, period)
    if s3 is None and s4 is None:
        raise StatisticsNotFound(f"统计期「{period}」没有导入政府信息公开年报的三、四部分")
    if s3 is not None:
        found += disclosure.check_applications(batch_records(s3))
    if s4 is not None:
        found += disclosure.check_review_litigation(batch_records(s4))
    if narrative is not None:
        s2 = batch_get(K.DISCLOSURE_S2, period)
        data = {
            "applications": batch_records(s3) if s3 else [],
            "review_litigation": batch_records(s4) if s4 else [],
            "proactive": batch_records(s2) if s2 else [],
        }
        found += check_all(data, disclosure.narrative_statements(narrative))
    return found


def statistics_workbook(period: str, path: Path) -> list[Table]:
    """Every table imported for the period, in the order of the statistics kinds, written
    into one xlsx (one sheet per table); returns them."""
    batches = batches_of_period(period)
    if not batches:
        raise StatisticsNotFound(f"统计期「{period}」没有导入任何统计数据")
    found = [statistics_table(batch.kind, period) for batch in batches]
    with atomic_files(path) as (temp,):
        write_xlsx(found, temp)
    return found


__all__ = [
    "StatisticsImportError",
    "StatisticsNotFound",
    "disclosure_check",
    "late_commissioned_articles",
    "statistics_import",
    "statistics_table",
    "statistics_workbook",
    "submission_scores",
]
