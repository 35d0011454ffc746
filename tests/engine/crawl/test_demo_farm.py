"""End to end on the demo farm: every planted defect found, nothing else reported."""

from __future__ import annotations

from datetime import date

import pytest

from demo.farm import FarmServer, build_farm
from demo.farm.sites import PROBE_TIMEOUT
from govwatch.engine.crawl import ScanConfig, SiteScanResult, probe_failure_ratio, scan_site


@pytest.fixture(scope="module")
def scanned() -> tuple[dict[str, object], dict[str, SiteScanResult]]:
    farm = build_farm(seed=7)
    with FarmServer(farm) as server:
        results = {}
        for spec in server.site_specs():
            config = ScanConfig(
                fetch=server.fetch_config(), scan_date=farm.scan_date, probe_timeout=PROBE_TIMEOUT
            )
            results[spec.code] = scan_site(spec, config)
    return farm.truth, results


def test_farm_is_deterministic_from_the_seed() -> None:
    one, two = build_farm(seed=7), build_farm(seed=7)
    assert one.truth == two.truth
    assert {h: sorted(x.pages) for h, x in one.hosts.items()} == {
        h: sorted(x.pages) for h, x in two.hosts.items()
    }
    assert build_farm(seed=8).truth != one.truth


def test_bad_links_are_exactly_the_planted_ones(scanned) -> None:
    truth, results = scanned
    for code, site_truth in truth["sites"].items():
        found = sorted(
            (b.page_url, b.url, b.outcome.value, b.anchor_text, b.on_home)
            for b in results[code].broken_links
        )
        planted = sorted(
            (b["page_url"], b["url"], b["outcome"], b["anchor_text"], b["on_home"])
            for b in site_truth["bad_links"]
        )
        assert found == planted, code


def test_columns_match_the_truth_file(scanned) -> None:
    truth, results = scanned
    for code, site_truth in truth["sites"].items():
        columns = {c.url: c for c in results[code].columns}
        assert set(columns) == set(site_truth["columns"]), code
        for url, expected in site_truth["columns"].items():
            column = columns[url]
            if "error" in expected:
                assert column.error and not column.blank and column.newest_date is None
                continue
            newest = expected["newest_date"]
            assert column.newest_date == (date.fromisoformat(newest) if newest else None), url
            assert column.item_count == expected["item_count"], url
            assert column.blank == expected["blank"], url
            assert column.registered == expected["registered"], url


def test_site_facts_and_availability(scanned) -> None:
    truth, results = scanned
    for code, site_truth in truth["sites"].items():
        result = results[code]
        assert (probe_failure_ratio(result.probes) == 0.0) == site_truth["available"], code
        assert len(result.home.new_items) == site_truth["home_new_items"], code
        facts = site_truth["facts"]
        if not facts:
            continue
        assert result.facts.site_id_code == facts["site_id_code"], code
        assert bool(result.facts.interaction_channel) == facts["interaction_channel"], code
        assert list(result.facts.non_gov_business_systems) == facts["non_gov_business_systems"]
        assert result.facts.gov_domain == facts["gov_domain"]
        assert bool(result.facts.icp_record) == facts["icp_record"], code
        assert result.facts.police_record
        assert result.facts.party_gov_mark and result.facts.site_search
        assert result.facts.accessibility_entry


def test_gbk_site_text_comes_out_right(scanned) -> None:
    _, results = scanned
    facts = results["dm2"].facts
    assert facts.operating_unit == "示范县人民政府办公室"
    assert any(c.name == "政务动态" for c in results["dm2"].columns)
