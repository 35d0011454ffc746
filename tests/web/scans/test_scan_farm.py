"""`sites_scan` on the demo farm: what is stored equals the farm's truth file; storing twice
changes nothing."""

from __future__ import annotations

import pytest

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.profiles import load_profile
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ColumnSnapshot, LinkProblem, ScanFinding, ScanRun
from govwatch.web.scans.services import scan_findings_compute, sites_scan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scanned(farm: Farm) -> tuple[dict, list[ScanRun]]:
    with FarmServer(farm) as server:
        runs = sites_scan(
            Site.objects.all(), scan_date=farm.scan_date, fetch=server.fetch_config(), processes=2
        )
    return farm.truth, runs


def test_columns_and_links_equal_truth(scanned: tuple[dict, list[ScanRun]]) -> None:
    truth, runs = scanned
    assert len(runs) == len(truth["sites"])
    for farm_code, expected in truth["sites"].items():
        run = ScanRun.objects.get(site__site_code=site_code(farm_code))
        columns = {c.url: c for c in run.columns.all()}
        for url, column in expected["columns"].items():
            got = columns[url]
            if "error" in column:
                assert got.error, url
                continue
            assert got.item_count == column["item_count"], url
            newest = got.newest_date.isoformat() if got.newest_date else None
            assert newest == column["newest_date"], url
            assert got.blank == column["blank"], url
        links = {(p.url, p.outcome, p.on_home) for p in run.link_problems.all()}
        planted = {(b["url"], b["outcome"], b["on_home"]) for b in expected["bad_links"]}
        assert links == planted, farm_code
        serious = {(h["url"], h["text"]) for h in run.text_hits if h["severity"] == "serious"}
        wording = {(e["page_url"], e["wrong"]) for e in expected["text_errors"]}
        assert serious == wording, farm_code
        for hit in run.text_hits:
            if hit["severity"] == "serious":
                assert hit["suggestion"] in {e["correct"] for e in expected["text_errors"]}


def test_storing_again_gives_the_same_rows(scanned: tuple[dict, list[ScanRun]]) -> None:
    def rows() -> tuple[int, int, int, int]:
        return (
            ScanRun.objects.count(),
            ColumnSnapshot.objects.count(),
            LinkProblem.objects.count(),
            ScanFinding.objects.count(),
        )

    before = rows()
    profile = load_profile()
    for run in ScanRun.objects.all():
        scan_findings_compute(run, profile)
    assert rows() == before


def test_findings_carry_evidence(scanned: tuple[dict, list[ScanRun]]) -> None:
    dm2 = ScanRun.objects.get(site__site_code=site_code("dm2"))
    codes = {(f.code, f.severity) for f in dm2.findings.all()}
    assert ("SIT003", "warning") in codes  # the footer lacks its 网站标识码
    assert ("SIT004", "warning") in codes  # a business system on a non-gov domain
    dm3 = ScanRun.objects.get(site__site_code=site_code("dm3"))
    assert dm3.findings.filter(code="SIT002", severity="veto").exists()  # no consultation channel
    broken = ScanFinding.objects.filter(code="LNK001")
    assert broken.exists() and all(f.evidence for f in broken)


def test_column_publication_counts_from_the_crawl(scanned: tuple[dict, list[ScanRun]]) -> None:
    """000 附件2 built from stored item dates: over all time each registered column counts
    its dated items (an undated list counts none), and the total row adds them up."""
    from datetime import date

    from govwatch.web.scans.selectors import column_publication_counts

    truth, _ = scanned
    for farm_code in ("dm1", "dm2", "dm3", "dm4"):
        site = Site.objects.get(site_code=site_code(farm_code))
        table = column_publication_counts(site, date(2000, 1, 1), date(2099, 12, 31))
        counted = {row.cells[1]: row.cells[3] for row in table.rows if row.kind != "total"}
        expected = {
            c["name"]: c["item_count"] if c["newest_date"] else 0
            for c in truth["sites"][farm_code]["columns"].values()
            if c.get("registered")
        }
        assert counted == expected, farm_code
        total = next(row for row in table.rows if row.kind == "total")
        assert total.cells[3] == sum(expected.values())
    none = column_publication_counts(site, date(2000, 1, 1), date(2000, 12, 31))
    assert all(row.cells[3] == 0 for row in none.rows)
