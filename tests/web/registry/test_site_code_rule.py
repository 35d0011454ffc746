"""The site code rule (10 digits, or bm and 8 digits) holds for the file import and for the
demo registry and fixtures, which must still import under it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govwatch.engine.registry.schema import SITE_CODE
from govwatch.web.registry.services import RegistryImportError, registry_import
from tests.helpers import write_csv
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db

DEMO_SITES = Path(__file__).resolve().parents[3] / "demo" / "registry" / "sites.csv"


def test_import_refuses_12345_in_chinese(tmp_path: Path) -> None:
    registry_import(H.base_workbook(tmp_path / "base.xlsx"))
    before = H.snapshot()
    path = write_csv(tmp_path / "s.csv", H.SITE_HEADERS, [["12345", *H.BASE_SITES[0][1:]]])
    with pytest.raises(RegistryImportError) as refused:
        registry_import(path)
    errors = [str(e) for e in refused.value.errors]
    assert len(errors) == 1
    assert "第2行「网站标识码」列" in errors[0] and "应为10位数字，或bm加8位数字" in errors[0]
    assert H.snapshot() == before


def test_demo_and_fixture_codes_follow_the_rule() -> None:
    with DEMO_SITES.open(encoding="utf-8") as handle:
        codes = [row["网站标识码"] for row in csv.DictReader(handle)]
    codes += [row[0] for row in H.BASE_SITES]
    assert len(codes) > 100
    assert [code for code in codes if not SITE_CODE.match(code)] == []
