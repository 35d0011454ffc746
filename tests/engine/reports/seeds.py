"""Seed fixtures validated as records (tests.helpers reads the raw rows and stated figures)."""

from __future__ import annotations

from govwatch.engine.reports.records import Record, RecordSchema, validate_dicts
from tests.helpers import read_seed


def records(name: str, schema: RecordSchema) -> list[Record]:
    result = validate_dicts(schema, read_seed(name))
    assert result.ok, [str(e) for e in result.errors]
    return list(result.records)
