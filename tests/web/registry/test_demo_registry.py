"""The demo registry built from the seeds: it imports cleanly and every spelling resolves."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.registry.resolver import UnitIndex
from govwatch.web.registry.services import registry_import

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[3] / "demo" / "registry"
FILES = ("units.csv", "sites.csv", "columns.csv", "accounts.csv")


@pytest.fixture
def demo_loaded() -> None:
    for name in FILES:
        registry_import(DEMO / name)


def test_demo_registry_imports_and_reimports_unchanged(demo_loaded: None) -> None:
    assert Unit.objects.filter(name="青海盐湖工业股份有限公司").exists()
    for name in ("开封教育体育", "陕西金融", "方志陕西", "陕西省渭南监狱"):
        assert Account.objects.filter(name=name).exists(), name
    assert Site.objects.count() >= 43 + 131
    for name in FILES:
        assert not registry_import(DEMO / name).changed, name


def test_every_seed_spelling_resolves_to_one_unit(demo_loaded: None) -> None:
    index = UnitIndex.load()
    with (DEMO / "spellings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 200
    wrong = []
    for row in rows:
        scope = index.resolve(row["scope"])
        got = index.display[index.resolve(row["spelling"], scope)]
        if got != row["unit"]:
            wrong.append((row["seed"], row["spelling"], got, row["unit"]))
    assert wrong == []


@pytest.mark.parametrize(
    ("spelling", "scope", "unit"),
    [
        ("市人社局", "格尔木市人民政府", "格尔木市人力资源和社会保障局"),
        ("市人力资源和社会保障局", "格尔木市人民政府", "格尔木市人力资源和社会保障局"),
        ("市工商科技局", "格尔木市人民政府", "格尔木市工业信息化和科技局"),
        ("市工商科信局", "格尔木市人民政府", "格尔木市工业信息化和科技局"),
        ("东城区行委", "格尔木市人民政府", "格尔木市东城区行政委员会"),
        ("东城区工行委", "格尔木市人民政府", "格尔木市东城区行政委员会"),
        ("东城区行政委员会", "格尔木市人民政府", "格尔木市东城区行政委员会"),
    ],
)
def test_issue_examples(demo_loaded: None, spelling: str, scope: str, unit: str) -> None:
    index = UnitIndex.load()
    assert index.display[index.resolve(spelling, index.resolve(scope))] == unit
