"""Information-submission scoring against seed 002: points, table, verdicts, 约稿."""

from __future__ import annotations

import datetime as dt

from govwatch.engine.reports import schemas
from govwatch.engine.reports.records import count, text
from govwatch.engine.reports.submission import (
    QuotaClass,
    UnitScore,
    VerdictOverride,
    commissioned_articles,
    commissioned_table,
    late_articles,
    score_units,
    stated_verdict_overrides,
    submission_table,
)
from tests.helpers import expected, read_seed, stated

from .seeds import records

NAME = "002_submission_adoption.csv"


def seed_quotas() -> list[QuotaClass]:
    """The quota classes of seed 002 as data (fixtures README, expected.json rules)."""
    quotas = []
    for rule in expected()["documents"]["002"]["rules"]:
        if rule["type"] == "quota":
            quotas.append(
                QuotaClass(
                    name=rule["id"].rsplit("_", 1)[1],
                    units=frozenset(rule["units_in_table"]),
                    min_submissions_per_month=rule["min_submissions_per_month"],
                    min_adoptions_per_month=rule["min_adoptions_per_month"],
                )
            )
    return quotas


def seed_scores() -> list[UnitScore]:
    """Seed 002 scored with the office's stated verdicts as overrides."""
    recs = records(NAME, schemas.SUBMISSIONS)
    scores = score_units(recs, seed_quotas(), months=2)
    overrides = stated_verdict_overrides(recs, scores, "审定")
    return score_units(recs, seed_quotas(), months=2, overrides=overrides)


def test_points_equal_seed_for_every_unit_period_and_cumulative() -> None:
    recs = records(NAME, schemas.SUBMISSIONS)
    scores = score_units(recs, seed_quotas(), months=2)
    assert len(scores) == 34
    for record, score in zip(recs, scores, strict=True):
        assert score.points["period"] == count(record, "points_period"), score.unit
        assert score.points["cumulative"] == count(record, "points_cumulative"), score.unit


def test_quota_rule_alone_misses_five_verdicts_and_overrides_restore_them() -> None:
    recs = records(NAME, schemas.SUBMISSIONS)
    scores = score_units(recs, seed_quotas(), months=2)
    differ = sorted(
        s.unit
        for r, s in zip(recs, scores, strict=True)
        if s.qualified != (text(r, "qualified") == "yes")
    )
    check = next(
        c
        for d in expected()["documents"].values()
        for c in d["checks"]
        if c["id"] == "002.quota_rule_reproduces_verdicts"
    )
    assert differ == sorted(check["unexplained_units"])
    overrides = stated_verdict_overrides(recs, scores, "按办公室审定结论")
    assert sorted(overrides) == differ
    again = score_units(recs, seed_quotas(), months=2, overrides=overrides)
    assert [s.qualified for s in again] == [text(r, "qualified") == "yes" for r in recs]
    civil = next(s for s in again if s.unit == "市民政局")
    assert civil.rule_qualified is False and civil.override == VerdictOverride(
        True, "按办公室审定结论"
    )
    assert "采用0条" in civil.rule_reason_zh


def test_submission_table_reproduces_seed_rows_order_and_totals() -> None:
    scores = seed_scores()
    # Rows come in as the seed prints them; the sort (合格 first, points descending) must
    # leave that order unchanged, and units tied on points keep their input order.
    table = submission_table(scores)
    rows = read_seed(NAME)
    columns = [k for k in rows[0] if k not in ("seq", "unit", "qualified", "qualified_zh")]
    want = [[r["seq"], r["unit"], *(r[k] for k in columns), r["qualified_zh"]] for r in rows]
    assert [[str(c) for c in row.cells] for row in table.data_rows()] == want
    total = table.total_row()
    assert total is not None
    for offset, key in enumerate(columns, start=2):
        assert total.cells[offset] == stated(f"002.total.{key}")
    assert table.headings[4] == "信息采用情况/省/本月采用"


def test_submission_table_sorts_qualified_first_by_points() -> None:
    recs = records(NAME, schemas.SUBMISSIONS)
    scores = score_units(list(reversed(recs)), [], months=2)
    table = submission_table(scores)
    points = [int(str(r.cells[-3])) for r in table.data_rows()]
    assert points == sorted(points, reverse=True)


def test_commissioned_articles_lateness() -> None:
    raw = read_seed("002_topics_jul_aug.csv")
    # The seed lists topics and due dates; arrival dates are what an office would record.
    raw[0] = {**raw[0], "received_date": "2024-07-15"}
    raw[1] = {**raw[1], "received_date": "2024-07-22"}
    for row in raw[2:]:
        row["received_date"] = ""
    recs = records_from(raw)
    articles = commissioned_articles(recs)
    assert articles[2].responsible_units == ("东城区行政委员会", "西城区行政委员会")
    late = late_articles(articles, today=dt.date(2024, 7, 24))
    assert [a.topic_zh for a in late] == [raw[1]["topic_zh"], raw[2]["topic_zh"]]
    table = commissioned_table(articles, today=dt.date(2024, 7, 24))
    assert [r.cells[-1] for r in table.data_rows()][:4] == [
        "按时报送",
        "逾期报送",
        "逾期未报",
        "未到期",
    ]


def records_from(raw: list[dict[str, str]]) -> list:  # type: ignore[type-arg]
    from govwatch.engine.reports.records import validate_dicts

    result = validate_dicts(schemas.COMMISSIONED_ARTICLES, raw)
    assert result.ok, [str(e) for e in result.errors]
    return list(result.records)


def test_working_day_grace_for_commissioned_articles() -> None:
    from govwatch.engine.reports.submission import CommissionedArticle
    from govwatch.engine.workdays import add_working_days

    # Due Friday 2024-07-19, arrived Monday 07-22: late by the calendar, on time with one
    # working day of grace.
    article = CommissionedArticle(
        "物流快递", ("市工业信息化和科技局",), dt.date(2024, 7, 19), dt.date(2024, 7, 22)
    )
    today = dt.date(2024, 7, 30)
    assert late_articles([article], today) == [article]
    assert late_articles([article], today, grace=lambda d: add_working_days(d, 1)) == []
